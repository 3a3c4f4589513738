/**
 * Every error oci-log raises on purpose. Each carries a stable `code`, the
 * process exit status it maps to, and optionally the underlying `cause`.
 * Messages are written for the user: they name the flag, file, OCID or
 * opc-request-id the user can act on.
 */

/** Process exit statuses; each is documented once, in EXIT_STATUSES below. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  undelivered: 3,
  service: 4,
  /** 128 + SIGINT: the shell's status for a command Ctrl-C ended. */
  interrupted: 130,
  /** 128 + SIGTERM. */
  terminated: 143,
} as const;

export interface ExitStatusDoc {
  /** The status, or a word for a range ("other"). */
  status: number | string;
  /** A few words, for the --help epilogue. */
  summary: string;
  /** A sentence or two, for the man page and the README. */
  description: string;
}

/**
 * The exit statuses as the docs give them: the --help epilogue, the man
 * page's EXIT STATUS and the README's table are generated from this list.
 */
export const EXIT_STATUSES: readonly ExitStatusDoc[] = [
  { status: ExitCode.ok, summary: 'done', description: 'Success: every line was delivered, or the command did what was asked.' },
  { status: ExitCode.internal, summary: 'internal error', description: 'An internal error (a bug); run again with --debug and report it.' },
  {
    status: ExitCode.usage,
    summary: 'usage or configuration error',
    description: 'A usage or configuration error: a bad flag or value, a missing or invalid config file or key file. Nothing was sent.',
  },
  {
    status: ExitCode.undelivered,
    summary: 'some lines not delivered',
    description:
      'Some lines were not delivered (standard error says which and where): left in the spool for the next run or oci-log flush, ' +
      'written to the dead-letter file (send them with oci-log replay), dropped because the spool was full (--when-full), ' +
      'taken over by another oci-log process that delivers them, or lost because the dead-letter file could not be written; ' +
      'for replay, entries kept in the file they came from.',
  },
  {
    status: ExitCode.service,
    summary: 'the service refused a request or could not be reached',
    description: 'The service refused a request, or could not be reached (management and query commands).',
  },
  {
    status: ExitCode.interrupted,
    summary: 'ended by Ctrl-C',
    description:
      'Ended by Ctrl-C (SIGINT; 143 for SIGTERM) before it was done: a management command, or a query without --follow (which removes its temporary file first). send, exec, query --follow and emulator stop cleanly instead.',
  },
  {
    status: 'other',
    summary: "oci-log exec passes on its command's status",
    description: "oci-log exec exits with its command's own status: 128+N when signal N ended it, 127 when it was not found, 126 when it could not be executed (see --on-send-failure).",
  },
];

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

/**
 * A spool segment of this process is gone from the folder because another
 * oci-log process took it over (it judged this one gone): the entries are
 * that process's to send now, not lost.
 */
export class SegmentTakenOverError extends OciLogError {
  constructor(
    readonly path: string,
    /** The pid of the process that holds it now, when its file was found. */
    readonly takenBy: number | undefined,
    options: OciLogErrorOptions = {},
  ) {
    const who = takenBy === undefined ? 'another oci-log process (which may have delivered it already), or it was deleted' : `oci-log process ${takenBy}`;
    super(`the spool file ${path} was taken over by ${who}`, 'ERR_OCI_LOG_SEGMENT_TAKEN_OVER', ExitCode.undelivered, options);
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
