import { ServiceError, type ServiceErrorDetails } from '../errors.js';
import type { AuthType } from './connection-settings.js';

/** What a 401 asks to check, by the kind of credentials that were refused. */
const UNAUTHORIZED_HINTS: Record<AuthType, string> = {
  api_key: ' Check the key_file, fingerprint, user and tenancy of your profile, and that the API key is uploaded to that user.',
  security_token: " Check that the session token has not expired: run 'oci session refresh' (or 'oci session authenticate').",
  instance_principal: ' Check that the instance is in a dynamic group that a policy allows to use the log.',
  resource_principal: ' Check that the resource is in a dynamic group that a policy allows to use the log, and that its RPST is current.',
  oke_workload_identity: ' Check that a policy allows the workload (its namespace and service account) to use the log.',
};

let unauthorizedHint = UNAUTHORIZED_HINTS.api_key;

/**
 * Sets the kind of credentials a 401 is about: resolveCredentials calls it,
 * once per run (a run uses one kind), so every refusal, wherever it is
 * reported, names what to check for that kind.
 */
export function setUnauthorizedHint(auth: AuthType): void {
  unauthorizedHint = UNAUTHORIZED_HINTS[auth];
}

/** What to check, by status, for the errors users most often meet. */
function hintFor(status: number | undefined): string {
  switch (status) {
    case 401:
      return unauthorizedHint;
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
