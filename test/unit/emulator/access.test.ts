import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import { checkIdentityAccess } from '../../../src/emulator/api/admin.js';

/** A request as checkIdentityAccess sees it: headers and the two ends of its connection. */
function req(headers: Record<string, string>, remoteAddress: string, localAddress: string): IncomingMessage {
  return { headers, socket: { remoteAddress, localAddress } } as unknown as IncomingMessage;
}

describe('emulator access to the instance metadata and federation endpoints', () => {
  const access = { port: 4444, token: 'a-token-for-beyond-loopback' };

  it('answers a client on this machine: over loopback, or over the machine\'s own address', () => {
    expect(checkIdentityAccess(req({ host: '127.0.0.1:4444' }, '127.0.0.1', '127.0.0.1'), access)).to.equal(undefined);
    expect(checkIdentityAccess(req({ host: '[::1]:4444' }, '::1', '::1'), access)).to.equal(undefined);
    expect(checkIdentityAccess(req({ host: '10.0.0.5:4444' }, '::ffff:10.0.0.5', '::ffff:10.0.0.5'), access)).to.equal(undefined);
    expect(checkIdentityAccess(req({ host: '[fd00::5]:4444' }, 'fd00::5', 'fd00::5'), access)).to.equal(undefined);
  });

  it('refuses a client on another machine, even listening beyond loopback with the admin token', () => {
    const refused = checkIdentityAccess(req({ host: '10.0.0.5:4444', authorization: `Bearer ${access.token}` }, '10.0.0.9', '10.0.0.5'), access);
    expect(refused?.status).to.equal(403);
    expect(refused?.message).to.match(/this request came from 10\.0\.0\.9/);
  });

  it('refuses a Host that names neither loopback nor the address connected to', () => {
    expect(checkIdentityAccess(req({ host: 'attacker.example:4444' }, '127.0.0.1', '127.0.0.1'), access)?.status).to.equal(403);
    expect(checkIdentityAccess(req({ host: '10.0.0.6:4444' }, '10.0.0.5', '10.0.0.5'), access)?.status).to.equal(403);
    expect(checkIdentityAccess(req({}, '127.0.0.1', '127.0.0.1'), access)?.status).to.equal(403);
  });
});
