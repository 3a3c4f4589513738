/** The signals oci-log reacts to (and exec forwards to its command). */
export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Where signals come from: `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(event: SignalName, listener: () => void): unknown;
  off(event: SignalName, listener: () => void): unknown;
}
