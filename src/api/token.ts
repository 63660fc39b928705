import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh API token: 32 random bytes as 64 hex characters. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

/** Tokens shorter than this are refused: a guessable token is worse than none. */
export const minTokenLength = 16;

/**
 * Constant-time comparison. `timingSafeEqual` needs equal lengths and would leak the length
 * by throwing otherwise, so both sides are hashed first: equal-length digests, and the time
 * taken says nothing about how much of the token matched.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token from an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}
