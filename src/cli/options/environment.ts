/**
 * Variables oci-log reads that no option names (an option's own variable is
 * its `env` field). The man page's ENVIRONMENT section lists both.
 */
export const OTHER_ENVIRONMENT: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'OCI_LOG_INSTANCE_METADATA_URL', description: 'The instance metadata service for --auth instance_principal (default http://169.254.169.254/opc/v2/).' },
  { name: 'OCI_LOG_FEDERATION_ENDPOINT', description: "The federation (auth) service for --auth instance_principal (default: the region's, as the OCI SDK computes it)." },
  {
    name: 'OCI_RESOURCE_PRINCIPAL_VERSION, _RPST, _PRIVATE_PEM, _PRIVATE_PEM_PASSPHRASE, _REGION',
    description: 'The resource principal for --auth resource_principal (version 2.2; an absolute path names a file, re-read when it changes).',
  },
  { name: 'KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT_PROXYMUX', description: 'The OKE proxymux for --auth oke_workload_identity (OKE sets them in pods).' },
  {
    name: 'OCI_LOG_OKE_CA_CERT_FILE, OCI_LOG_OKE_TOKEN_FILE',
    description: 'The service account CA certificate and token for --auth oke_workload_identity (default /var/run/secrets/kubernetes.io/serviceaccount/ca.crt and token).',
  },
  { name: 'OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING', description: 'Set (e.g. to True), oci-log does not warn about config, key or token files that other users can read.' },
  {
    name: 'OCI_LOG_EMULATOR_TOKEN',
    description: 'The admin token of an emulator listening beyond loopback: oci-log emulator exports it; set it (16 to 200 characters) before starting the emulator to choose it.',
  },
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
