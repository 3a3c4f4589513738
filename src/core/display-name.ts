/** The service's display names of log groups and logs: 1 to 100 letters, digits, hyphens, periods or underscores. */
const DISPLAY_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Why `name` cannot be a log group's or a log's display name, or undefined
 * when it can: checked before any call, as the service would refuse it.
 */
export function displayNameProblem(name: string): string | undefined {
  if (DISPLAY_NAME.test(name)) return undefined;
  if (name.length === 0) return 'a display name cannot be empty';
  if (name.length > 100) return `a display name has at most 100 characters (this one has ${name.length})`;
  const bad = [...new Set([...name].filter((c) => !/[A-Za-z0-9._-]/.test(c)))].map((c) => (c === ' ' ? 'a space' : JSON.stringify(c)));
  return `a display name has only letters, digits, hyphens, periods and underscores (not ${bad.join(', ')})`;
}
