/**
 * The claims of an OCI token (a JWT: session token, RPST, instance token),
 * read without verifying it (the service does that). Undefined when the text
 * is not a JWT with a JSON object payload.
 */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A string claim, or undefined. */
export function stringClaim(token: string, name: string): string | undefined {
  const value = tokenClaims(token)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
