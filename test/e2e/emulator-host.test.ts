import { expect } from 'chai';
import { startEmulator } from '../../src/emulator/index.js';
import { sharedIdentity } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('emulator listening on every address', () => {
  it('gives clients a loopback URL, which oci-log accepts over plain http', async () => {
    const emu = await startEmulator({ host: '0.0.0.0', stateDir: tempDir(), ...sharedIdentity(), explicitProfile: true });
    try {
      expect(emu.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(emu.exports[2]).to.equal(`export OCI_LOG_ENDPOINT='${emu.url}'`);
    } finally {
      await emu.stop();
    }
  });
});
