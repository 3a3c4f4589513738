import { expect } from 'chai';
import { closest, editDistance } from '../../../src/cli/unknown-arguments.js';
import { runMain } from '../../helpers/run-main.js';

describe('typos and misplaced arguments', () => {
  it('says what was probably meant, in one line, exit 2, before anything is read or sent', async () => {
    const cases: Array<[string[], string]> = [
      [['qurey'], 'qurey is not an oci-log command; did you mean oci-log query?'],
      [['--log-ocid', 'ocid1.log.oc1.iad.x', 'qurey'], 'qurey is not an oci-log command; did you mean oci-log query?'],
      [['list-log-group'], 'list-log-group is not an oci-log command; did you mean oci-log list-log-groups?'],
      [['frobnicate'], 'frobnicate is not an oci-log command (commands: send, replay, flush, create-log-group, create-log, list-log-groups, list-logs, query, exec, emulator'],
      [['query', 'ocid1.log.oc1.iad.aaaa'], 'unexpected argument ocid1.log.oc1.iad.aaaa: give it as --log-ocid ocid1.log.oc1.iad.aaaa'],
      [['list-logs', 'ocid1.loggroup.oc1.iad.aaaa'], 'unexpected argument ocid1.loggroup.oc1.iad.aaaa: give it as --log-group-id ocid1.loggroup.oc1.iad.aaaa'],
      [['query', '--limt', '5'], 'oci-log query has no option --limt; did you mean --limit?'],
      [['query', '--folow'], 'oci-log query has no option --folow; did you mean --follow?'],
      [['--timeout', '10m'], 'oci-log send has no option --timeout (it is an option of oci-log exec); did you mean --multiline-timeout, --request-timeout or --shutdown-timeout?'],
      [['exec', '--tee', 'backup'], 'unexpected argument backup: put the command after --, as in oci-log exec [options] -- backup ...'],
      [['app/web'], 'unexpected argument app/web: give a log by name as --log app/web'],
      [['query', '-x'], 'oci-log query has no option -x\n'],
    ];
    for (const [args, message] of cases) {
      const r = await runMain(args, { stdin: 'never read\n' });
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.satisfy((s: string) => s.startsWith(`oci-log: ${message}`));
      expect(r.stderr, args.join(' ')).not.to.match(/Unknown argument|NaN/);
    }
  });

  it('--limit abc quotes what was typed', async () => {
    const r = await runMain(['query', '--log-ocid', 'ocid1.log.oc1.iad.x', '--limit', 'abc']);
    expect(r.stderr).to.match(/^oci-log: --limit abc: expected a whole number/);
  });

  it('measures typos as edits, swaps included', () => {
    expect(editDistance('qurey', 'query')).to.equal(1);
    expect(editDistance('limt', 'limit')).to.equal(1);
    expect(editDistance('', 'abc')).to.equal(3);
    expect(closest('sned', ['send', 'replay', 'flush'])).to.deep.equal(['send']);
    expect(closest('zzzzzz', ['send', 'replay'])).to.deep.equal([]);
  });
});
