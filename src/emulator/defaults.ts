/**
 * Values the emulator command needs in its option table and help, kept apart
 * from the emulator itself so that oci-log's start-up (--help, or any other
 * command) does not load the emulator.
 */

/** What one client, or many, can hold of the emulator. */
export interface ServerLimits {
  /** Time to receive a request's headers (slow or half-open connections are closed). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (a body shorter than its content-length). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; more are closed on arrival (file descriptors stay for the data dir). */
  maxConnections: number;
  /** Request bodies held at once, all requests together; beyond it a request gets 429 unread. */
  maxBodiesHeldBytes: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 512,
  maxBodiesHeldBytes: 256 * 1024 * 1024,
};

/** The memory stored entries may take, all logs together (MiB), unless --max-stored-mib says otherwise. */
export const DEFAULT_MAX_STORED_MIB = 1024;

/** The config profile the emulator writes for session-token auth. */
export const SESSION_PROFILE = 'EMULATOR_SESSION';
