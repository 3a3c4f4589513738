import type { LoggingManagementClient } from 'oci-logging';
import type { LogSearchClient } from 'oci-loggingsearch';
import type { ConnectionSettings, Credentials } from './connection-settings.js';
import { serviceEndpoint } from './service-endpoints.js';
import { toServiceError } from './service-error.js';

export interface SdkClients {
  management(): Promise<LoggingManagementClient>;
  search(): Promise<LogSearchClient>;
  close(): void;
}

/**
 * The OCI SDK's management and search clients, loaded only by the commands
 * that use them (each package costs ~90 ms to load). The SDK's circuit
 * breaker is turned off (it would refuse every call for 30 s after a burst of
 * 429s) and its console output is dropped (it prints a line per failed call
 * whatever its logger says): oci-log owns retries and messages. oci-log itself
 * never writes through console, so silencing it hides only the SDK.
 */
export function sdkClients(settings: ConnectionSettings, credentials: Credentials, debug?: (line: string) => void): SdkClients {
  let mgmt: LoggingManagementClient | undefined;
  let search: LogSearchClient | undefined;
  const prepare = async (): Promise<void> => {
    const common = await import('oci-common');
    common.CircuitBreaker.EnableGlobalCircuitBreaker = false;
    const sink = debug ? (...args: unknown[]) => debug(`sdk: ${args.map(String).join(' ')}`) : () => undefined;
    console.warn = sink;
    console.info = sink;
    console.log = sink;
  };
  return {
    management: async () => {
      if (!mgmt) {
        await prepare();
        const { LoggingManagementClient } = await import('oci-logging');
        const client = new LoggingManagementClient({ authenticationDetailsProvider: await credentials.sdkProvider() });
        client.endpoint = await serviceEndpoint('management', settings, credentials);
        mgmt = client;
      }
      return mgmt;
    },
    search: async () => {
      if (!search) {
        await prepare();
        const { LogSearchClient } = await import('oci-loggingsearch');
        const client = new LogSearchClient({ authenticationDetailsProvider: await credentials.sdkProvider() });
        client.endpoint = await serviceEndpoint('search', settings, credentials);
        search = client;
      }
      return search;
    },
    close: () => {
      mgmt?.close();
      search?.close();
    },
  };
}

interface SdkError {
  statusCode?: number;
  serviceCode?: string;
  message?: string;
  opcRequestId?: string;
}

function isRetryable(err: SdkError): boolean {
  const s = err.statusCode;
  return s === undefined || s === -1 || s === 429 || s === 408 || s >= 500;
}

function describeNetwork(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const code = e.cause?.code;
  return code ? `${code} ${e.cause?.message ?? ''}`.trim() : (e.message ?? String(err));
}

/**
 * Runs one SDK call with oci-log's retry policy (429, 5xx and network errors:
 * up to 4 retries with jittered backoff) and turns a final failure into a
 * ServiceError naming what was asked and the opc-request-id.
 */
export async function callService<T>(what: string, call: () => Promise<T>, options: { retries?: number; baseDelayMs?: number } = {}): Promise<T> {
  const retries = options.retries ?? 4;
  const base = options.baseDelayMs ?? 250;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = err as SdkError;
      const isHttp = typeof e.statusCode === 'number' && e.statusCode > 0;
      if (attempt < retries && isRetryable(e)) {
        await new Promise((r) => setTimeout(r, Math.random() * base * 2 ** attempt));
        continue;
      }
      if (isHttp) {
        throw toServiceError({ status: e.statusCode, serviceCode: e.serviceCode, serviceMessage: e.message, opcRequestId: e.opcRequestId }, what, err);
      }
      throw toServiceError({ status: undefined, serviceCode: undefined, serviceMessage: describeNetwork(err), opcRequestId: undefined }, what, err);
    }
  }
}
