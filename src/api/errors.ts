/**
 * A request that ends in an HTTP error. Route handlers throw it; the server turns it into a
 * JSON body `{ error, reason }` with the status and any extra headers (Allow, Retry-After...).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    /** Stable, machine-readable: 'bad-request', 'unauthorized', 'not-found', 'empty-queue'... */
    readonly reason: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    /** Extra JSON fields for the body, e.g. the skipped paths when nothing could be queued. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'bad-request', message);
