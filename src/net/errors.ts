import { DecodeError } from '../decode/types';

/**
 * Why a network source failed. Each reason maps to one thing a person can check: the URL
 * (status, redirects), the connection (connect, dropped, stalled) or the use (not-seekable).
 */
export type NetErrorReason =
  | 'bad-url'
  | 'http-status'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'connect-timeout'
  | 'connection'
  | 'stalled'
  | 'not-seekable'
  | 'proxy'
  | 'closed';

/**
 * A network failure. It extends DecodeError('io') so that openDecoder passes it through
 * unchanged and the engine reports it as a source error with this exact message.
 */
export class NetError extends DecodeError {
  constructor(
    readonly reason: NetErrorReason,
    message: string,
    /** HTTP status for 'http-status'. */
    readonly status?: number,
  ) {
    super('io', message);
    this.name = 'NetError';
  }

  /** Worth another attempt: the server or the path to it may recover, the URL will not. */
  get retryable(): boolean {
    if (this.reason === 'http-status') return this.status !== undefined && (this.status >= 500 || this.status === 408 || this.status === 429);
    return this.reason === 'connect-timeout' || this.reason === 'connection' || this.reason === 'stalled';
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof NetError && error.retryable;
}

/** A URL for messages and logs: a password in it is replaced by `***`. */
export function redactUrl(url: string | URL): string {
  try {
    const copy = new URL(String(url));
    if (copy.password) copy.password = '***';
    return copy.href;
  } catch {
    return String(url);
  }
}
