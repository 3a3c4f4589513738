/**
 * Variables oci-log reads that no option names (an option's own variable is
 * its `env` field). The man page's ENVIRONMENT section lists both.
 */
export const OTHER_ENVIRONMENT: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'XDG_STATE_HOME', description: 'Base of the default dead-letter and emulator state folders (default ~/.local/state).' },
  { name: 'TERM', description: 'When it is dumb, no spinner is shown on standard error, even on a terminal.' },
  { name: 'CI', description: 'When it is set, no spinner is shown on standard error, even on a terminal.' },
  {
    name: 'OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED',
    description: "Not needed: oci-log turns the OCI SDK's circuit breaker off for its own clients, whatever it says.",
  },
];
