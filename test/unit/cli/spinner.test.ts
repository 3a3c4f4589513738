import { expect } from 'chai';
import { spinnerOptions, startSpinner } from '../../../src/cli/spinner.js';
import { testIo } from '../../helpers/run-main.js';

describe('the spinner', () => {
  it('has no colour when NO_COLOR is set (not empty), its colour otherwise', () => {
    // TERM as on a terminal the spinner draws on (testIo's default, dumb, draws no spinner at all)
    const colourOf = (NO_COLOR: string | undefined) => spinnerOptions(testIo({ env: { NO_COLOR, TERM: 'xterm' } }).io, 'x').color;
    expect(colourOf('1')).to.equal(false);
    expect(colourOf(undefined)).to.equal(undefined);
    expect(colourOf('')).to.equal(undefined);
  });

  it('draws on a terminal stderr that says its width, and ends with the final line', async () => {
    const { io, stderr } = testIo({ stderrIsTTY: true, columns: 80, env: { TERM: 'xterm' } });
    const s = await startSpinner(io, 'working', false);
    s.stop('done');
    expect(stderr.bytes().toString()).to.match(/working[\s\S]*done\n$/);
  });

  it('draws nothing but the final line on a terminal of 0 columns, and nothing at all when not a terminal, TERM=dumb, CI or --quiet', async () => {
    const drawn = async (options: Parameters<typeof testIo>[0], quiet = false) => {
      const { io, stderr } = testIo(options);
      const s = await startSpinner(io, 'working', quiet);
      s.update('more');
      s.stop('done');
      return stderr.bytes().toString();
    };
    expect(await drawn({ stderrIsTTY: true, columns: 0, env: { TERM: 'xterm' } })).to.equal('done\n');
    expect(await drawn({ env: { TERM: 'xterm' } })).to.equal('');
    expect(await drawn({ stderrIsTTY: true, columns: 80, env: { TERM: 'dumb' } })).to.equal('');
    expect(await drawn({ stderrIsTTY: true, columns: 80, env: { TERM: 'xterm', CI: 'true' } })).to.equal('');
    expect(await drawn({ stderrIsTTY: true, columns: 80, env: { TERM: 'xterm' } }, true)).to.equal('');
  });
});
