import { expect } from 'chai';
import { newLineStats } from '../../../../src/core/lines/line-stats.js';
import { Redaction, RedactSpecError, Redactor } from '../../../../src/core/lines/redact.js';

/** Feeds whole lines through a fresh redactor; returns what came out and the counts. */
function redact(specs: string[], lines: string[]): { out: string[]; counts: Record<string, number> } {
  const stats = newLineStats();
  const redactor = new Redactor(new Redaction(specs), stats);
  const out: string[] = [];
  for (const line of lines) redactor.push(line, false, (text, more) => {
    expect(more).to.equal(false);
    out.push(text);
  });
  return { out, counts: Object.fromEntries([...stats.redactions].filter(([, n]) => n > 0)) };
}

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** [line, what it must become, the rule that counts it]. */
const CORPUS: Array<[string, string, string]> = [
  ['Authorization: Bearer abcdef0123456789ABCDEF.xyz', 'Authorization: Bearer [REDACTED]', 'bearer'],
  ['curl -H "authorization: bearer Zm9vYmFyYmF6cXV4cXV1eA==" https://api', 'curl -H "authorization: bearer [REDACTED]" https://api', 'bearer'],
  ['Authorization: Basic dXNlcjpodW50ZXIy', 'Authorization: Basic [REDACTED]', 'basic-auth'],
  [`token ${JWT} accepted`, 'token [REDACTED] accepted', 'jwt'],
  ['connecting to postgres://app:s3cr3t!@db.internal:5432/orders', 'connecting to postgres://app:[REDACTED]@db.internal:5432/orders', 'url-password'],
  ['redis://:hunter2@cache:6379/0', 'redis://:[REDACTED]@cache:6379/0', 'url-password'],
  ['password=hunter2 user=bob', 'password=[REDACTED] user=bob', 'secret-field'],
  ['{"user":"bob","password":"hunter2","ok":true}', '{"user":"bob","password":"[REDACTED]","ok":true}', 'secret-field'],
  ['{"msg":"login {\\"password\\":\\"hunter2\\"} failed"}', '{"msg":"login {\\"password\\":\\"[REDACTED]\\"} failed"}', 'secret-field'],
  ["config = {'db_password': 'hunter2', 'port': 5432}", "config = {'db_password': '[REDACTED]', 'port': 5432}", 'secret-field'],
  ['DB_PASSWORD=hunter2', 'DB_PASSWORD=[REDACTED]', 'secret-field'],
  ['client_secret: abc123def; scope=all', 'client_secret: [REDACTED]; scope=all', 'secret-field'],
  ['GET /cb?code=1&access_token=ya29.a0Af&state=x', 'GET /cb?code=1&access_token=[REDACTED]&state=x', 'secret-field'],
  ['X-Api-Key: 9f8e7d6c5b4a', 'X-Api-Key: [REDACTED]', 'secret-field'],
  ['{"apiKey": "k-123", "passphrase":"open sesame"}', '{"apiKey": "[REDACTED]", "passphrase":"[REDACTED]"}', 'secret-field'],
  ['opts = { api_key => "k-123" }', 'opts = { api_key => "[REDACTED]" }', 'secret-field'],
  [`using ${AWS_ID} in us-east-1`, 'using [REDACTED] in us-east-1', 'aws-access-key-id'],
  [`aws_secret_access_key = ${AWS_SECRET}`, 'aws_secret_access_key = [REDACTED]', 'aws-secret-key'],
  [`{"AccessKeyId":"ASIAY34FZKBOKMUTVV7A","SecretAccessKey":"${AWS_SECRET}"}`, '{"AccessKeyId":"[REDACTED]","SecretAccessKey":"[REDACTED]"}', 'aws-access-key-id'],
  ["docker login iad.ocir.io -u 'ns/jdoe@example.com' -p 'k]L8(wzT;T>p-Ex5}E4P'", "docker login iad.ocir.io -u 'ns/jdoe@example.com' -p '[REDACTED]'", 'oci-auth-token'],
  ['podman login --username ns/jdoe --password=Ab1;Cd2(Ef3 fra.ocir.io', 'podman login --username ns/jdoe --password=[REDACTED] fra.ocir.io', 'oci-auth-token'],
  [
    '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"}',
    // secret-field finds the whole value too: masks that overlap become one.
    '{"private_key": "[REDACTED]"}',
    'private-key',
  ],
  [
    'key: "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oXS8s8RLp6Rp\\n-----END EC PRIVATE KEY-----"',
    'key: "-----BEGIN EC PRIVATE KEY-----[REDACTED]-----END EC PRIVATE KEY-----"',
    'private-key',
  ],
];

/** Lines that look close and must pass untouched. */
const NEAR_MISSES = [
  'she was the bearer of bad news',
  'Bearer short',
  'the password is required', // no = or :
  'password_hash=$2b$12$abc', // the key goes on after "password"
  'passwordless=true',
  '{"prompt_tokens": 12, "completion_tokens": 40, "max_tokens": 100}',
  '{"token_type":"Bearer","expires_in":3600}',
  'tokenizer=bert-base',
  'bypass=true',
  'author: Jane',
  'password: ""', // empty
  'password=[REDACTED]', // already masked
  '{"token": null}',
  'http://example.com:8080/path@v2',
  'https://user@example.com/repo.git',
  'git@github.com:org/repo.git',
  'AKIAIOSFODNN7EXAMPL', // one character short
  'akiaiosfodnn7example', // lower case
  'commit 3f5e0b9c1d2a4e6f8a0b1c2d3e4f5a6b7c8d9e0f',
  'eyJhbGciOiJIUzI1NiJ9 is only a header',
  'docker login --password-stdin iad.ocir.io',
  'a key moment; the monkey=business',
  '-----BEGIN CERTIFICATE-----',
  '{"auth":{"user":"bob"},"token":["a","b"]}', // objects and arrays are not masked whole (their strings are no key's value)
];

describe('redaction', () => {
  it('--redact secrets masks each kind of secret in the corpus, keeps the rest of the line exactly, and counts it under its rule', () => {
    for (const [line, expected, rule] of CORPUS) {
      const { out, counts } = redact(['secrets'], [line]);
      expect(out[0], line).to.equal(expected);
      expect(counts[rule], `${line}: ${JSON.stringify(counts)}`).to.be.greaterThan(0);
    }
  });

  it('leaves near-misses untouched and uncounted', () => {
    for (const line of NEAR_MISSES) {
      const { out, counts } = redact(['secrets'], [line]);
      expect(out[0], line).to.equal(line);
      expect(counts, line).to.deep.equal({});
    }
  });

  it('counts a secret two rules find once, under the first', () => {
    const { out, counts } = redact(['secrets'], [`Authorization: Bearer ${JWT}`]);
    expect(out[0]).to.equal('Authorization: Bearer [REDACTED]');
    expect(counts).to.deep.equal({ bearer: 1 });
  });

  it('masks a PEM private key over several lines: body lines, not the markers, headers or blank lines', () => {
    const lines = [
      'loading key',
      '-----BEGIN RSA PRIVATE KEY-----',
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,3F17F5316E2BAC89',
      '',
      'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi3e2LRGRbHkS8vZKc9cd4VJZlV',
      'c2VjcmV0IGtleSBtYXRlcmlhbA==',
      '-----END RSA PRIVATE KEY-----',
      'key loaded',
      'done',
    ];
    const { out, counts } = redact(['secrets'], lines);
    expect(out).to.deep.equal([
      'loading key',
      '-----BEGIN RSA PRIVATE KEY-----',
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,3F17F5316E2BAC89',
      '',
      '[REDACTED]',
      '[REDACTED]',
      '-----END RSA PRIVATE KEY-----',
      'key loaded',
      'done',
    ]);
    expect(counts).to.deep.equal({ 'private-key': 1 });
  });

  it('ends a PEM block without an END line at the first line that is not key material', () => {
    const { out } = redact(['secrets'], ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjE=', 'ssh: handshake failed after 3 tries', 'done']);
    expect(out).to.deep.equal(['-----BEGIN OPENSSH PRIVATE KEY-----', '[REDACTED]', 'ssh: handshake failed after 3 tries', 'done']);
  });

  it('--redact REGEX: a capture group is what is masked, else the whole match; (?i) makes it case-insensitive; rules count separately', () => {
    const { out, counts } = redact(['card=(\\d{4})', 'SSN \\d{3}-\\d{2}-\\d{4}', '(?i)internal-(\\w+)'], ['card=1234 ok', 'SSN 123-45-6789 on file', 'INTERNAL-alpha and internal-beta']);
    expect(out).to.deep.equal(['card=[REDACTED] ok', '[REDACTED] on file', 'INTERNAL-[REDACTED] and internal-[REDACTED]']);
    expect(counts).to.deep.equal({ 'card=(\\d{4})': 1, 'SSN \\d{3}-\\d{2}-\\d{4}': 1, '(?i)internal-(\\w+)': 2 });
  });

  it('refuses a regex that does not compile or matches an empty text, naming the value', () => {
    expect(() => new Redaction(['secrets', '(oops'])).to.throw(RedactSpecError, /^--redact \(oops: not a valid regular expression/);
    expect(() => new Redaction(['a*'])).to.throw(RedactSpecError, /^--redact a\*: it matches an empty text/);
  });

  // Sized so that a rule whose work grows with the line's length squared takes
  // far longer than the timeout; a linear one takes milliseconds.
  describe('long lines built to make a rule backtrack', function () {
    this.timeout(10_000);

    it('jwt: a long run of eyJ- is no token, and one after it is still found', () => {
      const run = 'eyJ-'.repeat(25_000);
      expect(redact(['secrets'], [`${run} ${JWT}`]).out).to.deep.equal([`${run} [REDACTED]`]);
    });

    it('private-key: many BEGIN markers and an END of another label: the body up to that END', () => {
      const line = '-----BEGIN PRIVATE KEY-----'.repeat(20_000) + '-----END RSA PRIVATE KEY-----';
      const { out, counts } = redact(['secrets'], [line]);
      expect(out).to.deep.equal(['-----BEGIN PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----']);
      expect(counts).to.deep.equal({ 'private-key': 1 });
    });

    it('a line of spaces after a BEGIN line is no key material', () => {
      const spaces = ' '.repeat(100_000) + '!';
      const { out } = redact(['secrets'], ['-----BEGIN PRIVATE KEY-----', spaces, 'done']);
      expect(out).to.deep.equal(['-----BEGIN PRIVATE KEY-----', spaces, 'done']);
    });

    it('a line with a hundred thousand secrets: each masked and counted once', () => {
      const { out, counts } = redact(['secrets'], ['password=x '.repeat(100_000)]);
      expect(out).to.deep.equal(['password=[REDACTED] '.repeat(100_000)]);
      expect(counts).to.deep.equal({ 'secret-field': 100_000 });
    });

    it('every rule: a megabyte long near-miss passes untouched', () => {
      const mb = (unit: string): string => unit.repeat(Math.ceil(1_000_000 / unit.length));
      const lines = [
        mb('a://:'),
        mb('ab://x:y'),
        mb('authorization: '),
        mb('bearer '),
        mb('AKIA'),
        'password="' + mb('x'),
        "password='" + mb('x'),
        '"password": "' + mb('\\"'),
        'docker login -p "' + mb('x'),
        'secret_access_key=' + mb(' '),
      ];
      for (const line of lines) expect(redact(['secrets'], [line]), line.slice(0, 20)).to.deep.equal({ out: [line], counts: {} });
    });
  });

  it('finds a secret across the cut between two fragments of a long line, and masks it once', () => {
    const stats = newLineStats();
    const redactor = new Redactor(new Redaction(['secrets']), stats);
    const out: Array<[string, boolean]> = [];
    const emit = (text: string, more: boolean): void => void out.push([text, more]);
    redactor.push('x'.repeat(100) + ' password=hun', true, emit);
    expect(out, 'the first fragment waits for the next').to.deep.equal([]);
    redactor.push('ter2 and more ' + 'y'.repeat(50), true, emit);
    redactor.push(' token=abc end', false, emit);
    expect(out.map(([, more]) => more)).to.deep.equal([true, true, false]);
    expect(out.map(([t]) => t).join('')).to.equal('x'.repeat(100) + ' password=[REDACTED] and more ' + 'y'.repeat(50) + ' token=[REDACTED] end');
    expect(stats.redactions.get('secret-field')).to.equal(2);
  });
});
