/** How one PutLogs attempt ended, as the shipper needs to know it. */
export type SendResult =
  | { ok: true; opcRequestId: string | undefined }
  | {
      ok: false;
      /** Worth retrying: 429, 5xx, 408, a reset, a timeout, no answer. */
      transient: boolean;
      status: number | undefined;
      serviceCode: string | undefined;
      serviceMessage: string | undefined;
      opcRequestId: string | undefined;
      /** From retry-after, when the service gave one. */
      retryAfterMs: number | undefined;
    };

/** Sends one PutLogs body to a log. Never rejects: failures are results. */
export type SendFunction = (logId: string, body: Buffer) => Promise<SendResult>;
