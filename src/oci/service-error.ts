import { ServiceError, type ServiceErrorDetails } from '../errors.js';

/** What to check, by status, for the errors users most often meet. */
function hintFor(status: number | undefined): string {
  switch (status) {
    case 401:
      return ' Check the key_file, fingerprint, user and tenancy of your profile, and that the API key is uploaded to that user.';
    case 404:
      return ' Check the OCID (and its region), and that a policy lets you use it, e.g. "allow group G to use log-content in compartment C".';
    case 429:
      return ' The service is throttling; try again later.';
    default:
      return '';
  }
}

/**
 * One line for a refused request: the status, the service's code and message,
 * what was asked for, the opc-request-id, and what to check.
 * `what` names the request, e.g. "PutLogs to ocid1.log.oc1..xyz".
 */
export function serviceErrorMessage(details: ServiceErrorDetails, what: string): string {
  if (details.status === undefined) {
    return `${what} failed: ${details.serviceMessage ?? 'no answer from the service'}`;
  }
  const code = details.serviceCode && details.serviceCode !== String(details.status) ? ` ${details.serviceCode}` : "";
  const message = details.serviceMessage ? `: ${details.serviceMessage}` : '';
  const id = details.opcRequestId ? ` (opc-request-id ${details.opcRequestId})` : '';
  return `${what} failed: ${details.status}${code}${message}${id}.${hintFor(details.status)}`;
}

/** A ServiceError carrying the details and the one-line message above. */
export function toServiceError(details: ServiceErrorDetails, what: string, cause?: unknown): ServiceError {
  return new ServiceError(serviceErrorMessage(details, what), details, cause === undefined ? {} : { cause });
}

/**
 * Reads an OCI error body ({"code": …, "message": …}) defensively: the body of
 * an HTTP answer is external input and may be anything.
 */
export function parseErrorBody(body: string): { serviceCode: string | undefined; serviceMessage: string | undefined } {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object') {
      const { code, message } = parsed as Record<string, unknown>;
      return {
        serviceCode: typeof code === 'string' ? code : undefined,
        serviceMessage: typeof message === 'string' ? message : undefined,
      };
    }
  } catch {
    // not JSON: fall through and quote the text
  }
  const text = body.trim().slice(0, 200);
  return { serviceCode: undefined, serviceMessage: text === '' ? undefined : text };
}
