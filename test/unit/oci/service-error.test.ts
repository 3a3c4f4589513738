import { expect } from 'chai';
import { parseErrorBody, serviceErrorMessage, toServiceError } from '../../../src/oci/service-error.js';
import { ExitCode } from '../../../src/errors.js';

describe('service errors', () => {
  it('say status, code, message, what was asked and the opc-request-id', () => {
    const msg = serviceErrorMessage(
      { status: 404, serviceCode: 'NotAuthorizedOrNotFound', serviceMessage: 'x logId not found', opcRequestId: 'ABC/123' },
      'PutLogs to ocid1.log.oc1..x',
    );
    expect(msg).to.match(/^PutLogs to ocid1\.log\.oc1\.\.x failed: 404 NotAuthorizedOrNotFound: x logId not found \(opc-request-id ABC\/123\)\./);
    expect(msg).to.include('policy');
  });

  it('401 tells what to check in the profile', () => {
    expect(serviceErrorMessage({ status: 401, serviceCode: 'NotAuthenticated', serviceMessage: undefined, opcRequestId: undefined }, 'X')).to.include('fingerprint');
  });

  it('map to exit status 4', () => {
    expect(toServiceError({ status: 500, serviceCode: undefined, serviceMessage: undefined, opcRequestId: undefined }, 'X').exitCode).to.equal(ExitCode.service);
  });

  it('parse OCI error bodies and survive anything else', () => {
    expect(parseErrorBody('{"code":"InvalidParameter","message":"bad"}')).to.deep.equal({ serviceCode: 'InvalidParameter', serviceMessage: 'bad' });
    expect(parseErrorBody('<html>oops</html>')).to.deep.equal({ serviceCode: undefined, serviceMessage: '<html>oops</html>' });
    expect(parseErrorBody('')).to.deep.equal({ serviceCode: undefined, serviceMessage: undefined });
    expect(parseErrorBody('[1,2]').serviceCode).to.equal(undefined);
  });
});
