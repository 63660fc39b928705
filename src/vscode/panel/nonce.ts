import { randomBytes } from 'node:crypto';

/** A fresh, unguessable CSP nonce for each page the panel renders (base64, 128 bits). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}
