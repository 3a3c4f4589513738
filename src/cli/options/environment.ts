/**
 * Variables oci-log reads that no option names (an option's own variable is
 * its `env` field). The man page's ENVIRONMENT section lists both.
 */
export const OTHER_ENVIRONMENT: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'XDG_STATE_HOME', description: 'Base of the default dead-letter and emulator state folders (default ~/.local/state).' },
  { name: 'XDG_CACHE_HOME', description: 'Base of the name cache, oci-log/names.json (default ~/.cache): where --log GROUP/LOG and --log-ocid were found, checked with the service before each use.' },
  { name: 'OCI_DEFAULT_REALM', description: "The domain of a region the OCI SDK does not know (default oraclecloud.com, OC1's), as the SDK reads it." },
  { name: 'TZ', description: 'The zone of oci-log query --local.' },
  { name: 'NO_COLOR', description: 'When it is set (not empty), no colour: query output, the spinner.' },
  { name: 'FORCE_COLOR', description: 'When it is set (other than 0 or false), oci-log query --color auto colours a pipe too.' },
  { name: 'TERM', description: 'When it is dumb, no spinner is shown on standard error, even on a terminal.' },
  { name: 'CI', description: 'When it is set, no spinner is shown on standard error, even on a terminal.' },
  {
    name: 'OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED',
    description: "Not needed: oci-log turns the OCI SDK's circuit breaker off for its own clients, whatever it says.",
  },
];
