import type { AuthenticationDetailsProvider, HttpClient } from 'oci-common';
import type { LoggingManagementClient } from 'oci-logging';
import type { LogSearchClient } from 'oci-loggingsearch';
import { parseRetryAfter } from '../core/delivery-policy.js';
import { currentAttempt, describeNetworkError, setSdkChatterSink, withQuietSdk } from './call-service.js';
import type { ConnectionSettings, Credentials } from './connection-settings.js';
import { serviceEndpoint } from './service-endpoints.js';

export { callService } from './call-service.js';

export interface SdkClients {
  management(): Promise<LoggingManagementClient>;
  search(): Promise<LogSearchClient>;
  close(): void;
}

/**
 * The SDK's own HTTP client, wrapped so that each request carries the signal
 * of the callService attempt it belongs to (the SDK has no timeout, and
 * --follow must stop at once on Ctrl-C), and so that a Retry-After header
 * reaches callService (the SDK's errors drop the headers).
 *
 * The signal goes in through httpOptions, read per request. That is safe only
 * because this client has no circuit breaker: oci-common 2.139.1 fails every
 * call that has httpOptions while a breaker is on.
 */
async function signalAwareHttpClient(provider: AuthenticationDetailsProvider): Promise<HttpClient> {
  const common = await import('oci-common');
  const perRequest = {
    get signal(): AbortSignal | undefined {
      return currentAttempt()?.signal;
    },
  };
  const inner = new common.FetchHttpClient(new common.DefaultRequestSigner(provider), null, perRequest);
  return {
    send: async (...args: Parameters<HttpClient['send']>) => {
      const context = currentAttempt();
      const uri = args[0].uri;
      if (context) context.networkHost = new URL(uri).origin;
      let response: Response;
      try {
        response = await inner.send(...args);
      } catch (err) {
        // The SDK turns this into "fetch failed" and drops the cause: keep the host and the code for the message.
        if (context) context.networkError = describeNetworkError(err, uri);
        throw err;
      }
      if (context && (response.status === 429 || response.status === 503)) context.retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return response;
    },
  };
}

/**
 * The OCI SDK's management and search clients, loaded only by the commands
 * that use them (each package costs ~90 ms to load; `oci-log --help` loads
 * none). Each client has its circuit breaker turned off (it would refuse every
 * call for 30 s after a burst of 429s): oci-log owns retries (callService)
 * and messages; the SDK's console chatter goes to --debug or nowhere.
 */
export function sdkClients(settings: ConnectionSettings, credentials: Credentials, debug?: (line: string) => void): SdkClients {
  setSdkChatterSink(debug);
  let mgmt: Promise<LoggingManagementClient> | undefined;
  let search: Promise<LogSearchClient> | undefined;
  const config = async () => {
    const common = await import('oci-common');
    return { circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }) };
  };
  const params = async () => {
    // The client signs nothing itself: the HTTP client above signs with the provider.
    const provider = await withQuietSdk(() => credentials.sdkProvider());
    return { httpClient: await signalAwareHttpClient(provider) };
  };
  let made: Array<{ close(): void }> = [];
  type Params = Awaited<ReturnType<typeof params>>;
  type Config = Awaited<ReturnType<typeof config>>;
  const make = async <C extends { endpoint: string; close(): void }>(Client: new (p: Params, c: Config) => C, service: 'management' | 'search'): Promise<C> => {
    const client = new Client(await params(), await config());
    client.endpoint = await serviceEndpoint(service, settings, credentials);
    made.push(client);
    return client;
  };
  return {
    management: () => (mgmt ??= import('oci-logging').then((m) => make(m.LoggingManagementClient, 'management'))),
    search: () => (search ??= import('oci-loggingsearch').then((m) => make(m.LogSearchClient, 'search'))),
    close: () => {
      for (const client of made) client.close();
      made = [];
    },
  };
}
