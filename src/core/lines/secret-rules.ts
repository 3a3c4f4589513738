/**
 * A redaction rule: what to find, and which part of it to mask.
 * `pattern` is global with indices (flags `gd`).
 */
export interface RedactRule {
  /** Its name in the summary's counts. */
  name: string;
  pattern: RegExp;
  /** Capture groups that hold the secret: the first that matched is masked. None: the whole match. */
  groups?: readonly number[];
}

/**
 * A value in a quoted JSON string (\"…\"), a JSON string, a single-quoted
 * one, or a bare word (not an object or array: masking its first character
 * would break the line's JSON): groups 1 to 4.
 */
const VALUE = String.raw`(?:\\"((?:[^"\\]|\\(?!"))*)\\"|"((?:[^"\\]|\\.)*)"|'([^'\n]*)'|(\[REDACTED\](?![^\s"',;&}\])])|[^\s"',;&}\])[{][^\s"',;&}\])]*))`;
/** Between a key and its value: an optional closing quote (escaped in JSON-in-JSON), then =, : or =>. */
const ASSIGN = String.raw`\\?["']?\s*(?:=>|[:=])\s*`;

const rule = (name: string, source: string, flags: string, groups?: readonly number[]): RedactRule => ({
  name,
  pattern: new RegExp(source, `gd${flags}`),
  ...(groups === undefined ? {} : { groups }),
});

/**
 * `--redact secrets`, in the order they are tried (a secret two rules find
 * is counted under the first). Each leaves the text around the secret as it
 * is, and no line makes a rule's work grow with its length squared: where a
 * match could start at many places of a long line, it is bounded (a scheme
 * of at most 32 characters, a registry login within one command) or can
 * only start where a run of its characters starts (a JWT), and no part
 * scans past the place where the next match could start (a private key's
 * body ends at the first END marker, whatever its label).
 */
export const SECRET_RULES: readonly RedactRule[] = [
  // PEM private keys on one line (JSON strings keep them with \n escapes): the body up to the END marker;
  // without one, everything after BEGIN. Keys over several lines: see the redactor's block state.
  // The body stops at any -----END (a label that does not match still ends it): a match that had to find
  // its own END would rescan the rest of the line from every BEGIN before a mismatched one.
  rule('private-key', String.raw`-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----((?:(?!-----END )[\s\S])*)(?:-----END \1PRIVATE KEY-----)?`, '', [2]),
  // Authorization: Bearer <token>, and "bearer <token>" anywhere: tokens of 16 characters or more.
  rule('bearer', String.raw`\bbearer\s+([A-Za-z0-9\-._~+/]{16,}=*)`, 'i', [1]),
  rule('basic-auth', String.raw`\bauthorization${ASSIGN}\\?["']?basic\s+([A-Za-z0-9+/]{4,}=*)`, 'i', [1]),
  // JSON Web Tokens: base64url header and payload that both start {" (eyJ), and the signature.
  // It starts only where a run of base64url characters starts (not \b, which also holds after "-"):
  // so each run is scanned from one start, not from every eyJ in it.
  rule('jwt', String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`, ''),
  // scheme://user:PASSWORD@host (the user may be empty: redis://:PASSWORD@host).
  rule('url-password', String.raw`\b[a-z][a-z0-9+.-]{0,31}://[^\s/?#@:]*:([^\s/?#@]+)@`, 'i', [1]),
  rule('aws-access-key-id', String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`, ''),
  rule('aws-secret-key', String.raw`(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)${ASSIGN}\\?["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`, 'i', [1]),
  // OCI auth tokens have no shape of their own; they show where they are used: as the password of a
  // registry login (docker login <region>.ocir.io -u … -p TOKEN). As a field (auth_token=…) secret-field finds them.
  rule(
    'oci-auth-token',
    String.raw`\b(?:docker|podman|buildah|nerdctl|helm|oras|skopeo)\b[^\n]{0,64}?\blogin\b[^\n]{0,512}?\s(?:-p|--password)(?:\s+|=)(?:'([^']*)'|"([^"]*)"|([^\s'"]+))`,
    'i',
    [1, 2, 3],
  ),
  // password=…, "password":"…", 'secret': '…', api_key => "…", X-Api-Key: …, AWS_SECRET_ACCESS_KEY=…:
  // a key ending in one of these words (db_password, client_secret, auth_token), then its value.
  rule(
    'secret-field',
    String.raw`(?:password|passwd|passphrase|pass_phrase|secret|token|auth|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key)${ASSIGN}${VALUE}`,
    'i',
    [1, 2, 3, 4],
  ),
];

/**
 * A cheap test that rules a line out for every rule above: a line it does
 * not match cannot hold a secret they find (each rule needs one of these
 * substrings). One scan of the line instead of nine.
 */
export const SECRET_HINT = /pass|secr|toke|auth|key|bear|logi|eyJ|:\/\/|A[KS]IA|-----BEGIN/i;

/** The first line of a PEM private key whose body follows on the next lines. */
export const PEM_OPEN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----\s*$/;
/** The last line of one (possibly after the end of the body). */
export const PEM_CLOSE = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;
/**
 * A body line: base64, or blank. The spaces after the base64 are matched
 * only when there is base64: two optional runs of spaces side by side would
 * try every split of a long run of spaces between them.
 */
export const PEM_BODY = /^\s*(?:(?:[A-Za-z0-9+/]+={0,2}|={1,2})\s*)?$/;
/** An encrypted key's header lines (RFC 1421): not secret, kept. */
export const PEM_HEADER = /^(?:Proc-Type|DEK-Info): /;
