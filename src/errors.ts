/**
 * Every error oci-log raises on purpose. Each carries a stable `code`, the
 * process exit status it maps to, and optionally the underlying `cause`.
 * Messages are written for the user: they name the flag, file, OCID or
 * opc-request-id the user can act on.
 */

/** Process exit statuses; documented in --help and man/oci-log.1 (EXIT STATUS). */
export const ExitCode = {
  ok: 0,
  /** unexpected internal failure (a bug) */
  internal: 1,
  /** bad flags, bad configuration, missing or unreadable files */
  usage: 2,
  /** some lines could not be delivered and were written to the dead-letter file */
  undelivered: 3,
  /** the service refused a management or query request (4xx/5xx after retries, unreachable) */
  service: 4,
  /** interrupted by SIGINT (128 + 2) */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface OciLogErrorOptions {
  cause?: unknown;
  exitCode?: number;
}

export class OciLogError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(message: string, code: string, exitCode: number, options: OciLogErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? exitCode;
  }
}

/** A flag or argument the user gave is wrong. Exit 2. */
export class UsageError extends OciLogError {
  constructor(message: string, options: OciLogErrorOptions = {}) {
    super(message, 'ERR_OCI_LOG_USAGE', ExitCode.usage, options);
  }
}

/** The OCI config file, a key file or another local input is missing or invalid. Exit 2. */
export class ConfigError extends OciLogError {
  constructor(message: string, options: OciLogErrorOptions = {}) {
    super(message, 'ERR_OCI_LOG_CONFIG', ExitCode.usage, options);
  }
}

export interface ServiceErrorDetails {
  /** HTTP status, or undefined when no answer came (connection refused, timeout). */
  status: number | undefined;
  /** The service's error code from the body, e.g. "NotAuthenticated". */
  serviceCode: string | undefined;
  /** The service's message from the body. */
  serviceMessage: string | undefined;
  /** The opc-request-id response header: what Oracle support asks for. */
  opcRequestId: string | undefined;
}

/** The service refused a request, or could not be reached. Exit 4 unless told otherwise. */
export class ServiceError extends OciLogError implements ServiceErrorDetails {
  readonly status: number | undefined;
  readonly serviceCode: string | undefined;
  readonly serviceMessage: string | undefined;
  readonly opcRequestId: string | undefined;

  constructor(message: string, details: ServiceErrorDetails, options: OciLogErrorOptions = {}) {
    super(message, 'ERR_OCI_LOG_SERVICE', ExitCode.service, options);
    this.status = details.status;
    this.serviceCode = details.serviceCode;
    this.serviceMessage = details.serviceMessage;
    this.opcRequestId = details.opcRequestId;
  }
}

/** Turns anything thrown into a one-line message for stderr. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
