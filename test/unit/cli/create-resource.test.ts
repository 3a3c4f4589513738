import { expect } from 'chai';
import { createResource } from '../../../src/cli/create-resource.js';
import type { CreateSpec } from '../../../src/cli/create-resource.js';
import type { CliIo } from '../../../src/cli/io.js';
import type { ServiceContext } from '../../../src/cli/service-context.js';
import { ServiceError } from '../../../src/errors.js';
import type { Resource } from '../../../src/oci/log-management.js';
import { testIo } from '../../helpers/run-main.js';

function fakeIo(): { io: CliIo; out: () => string } {
  const { io, stdout } = testIo();
  return { io, out: () => stdout.bytes().toString() };
}

/** No SDK here: these cases never wait for a work request. */
const ctx = { credentials: {}, clients: {} } as unknown as ServiceContext;
const group = (id: string): Resource => ({ id, displayName: 'web', lifecycleState: 'ACTIVE', timeCreated: '', compartmentId: 'C' });
const httpError = (statusCode: number) => Object.assign(new Error('conflict'), { statusCode, serviceCode: 'Conflict', opcRequestId: 'R' });

function spec(over: Partial<CreateSpec>): CreateSpec {
  return {
    what: 'log group web in C',
    duplicate: 'a log group named web already exists in C',
    ifNotExists: false,
    wait: false,
    quiet: true,
    findExisting: () => Promise.resolve(undefined),
    create: () => Promise.resolve({ opcWorkRequestId: 'ocid1.logworkrequest.x' }),
    ...over,
  };
}

describe('create commands: shared rules', () => {
  it('--if-not-exists prints an existing OCID and creates nothing', async () => {
    const { io, out } = fakeIo();
    let created = 0;
    await createResource(io, ctx, spec({ ifNotExists: true, findExisting: () => Promise.resolve(group('ocid1.loggroup.old')), create: () => (created++, Promise.resolve({ opcWorkRequestId: 'w' })) }));
    expect(out()).to.equal('ocid1.loggroup.old\n');
    expect(created).to.equal(0);
  });

  it('a duplicate without --if-not-exists is a service error (exit 4) naming the existing OCID', async () => {
    const { io, out } = fakeIo();
    const err = await createResource(io, ctx, spec({ findExisting: () => Promise.resolve(group('ocid1.loggroup.old')) })).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ServiceError);
    expect((err as ServiceError).message).to.equal('a log group named web already exists in C: ocid1.loggroup.old (use --if-not-exists to reuse it)');
    expect((err as ServiceError).exitCode).to.equal(4);
    expect(out()).to.equal('');
  });

  it('a 409 (another writer won the race) is looked up again and treated like a duplicate', async () => {
    let lookups = 0;
    const findExisting = () => Promise.resolve(lookups++ === 0 ? undefined : group('ocid1.loggroup.raced'));
    const a = fakeIo();
    await createResource(a.io, ctx, spec({ ifNotExists: true, findExisting, create: () => Promise.reject(httpError(409)) }));
    expect(a.out()).to.equal('ocid1.loggroup.raced\n');
    lookups = 0;
    const b = fakeIo();
    const err = (await createResource(b.io, ctx, spec({ findExisting, create: () => Promise.reject(httpError(409)) })).catch((e: unknown) => e)) as ServiceError;
    expect(err.message).to.contain('ocid1.loggroup.raced');
    expect(err.status).to.equal(409);
  });

  it('retries a failed create with the same retry token, and --no-wait prints the work request', async () => {
    const tokens: string[] = [];
    const { io, out } = fakeIo();
    await createResource(
      io,
      ctx,
      spec({
        create: (token) => {
          tokens.push(token);
          return tokens.length === 1 ? Promise.reject(httpError(503)) : Promise.resolve({ opcWorkRequestId: 'ocid1.logworkrequest.x' });
        },
      }),
    );
    expect(tokens).to.have.length(2);
    expect(tokens[0]).to.match(/^[0-9a-f-]{36}$/);
    expect(tokens[1]).to.equal(tokens[0]);
    expect(out()).to.equal('ocid1.logworkrequest.x\n');
  });
});
