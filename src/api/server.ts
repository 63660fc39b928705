import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Disposable, toDisposable } from '../base/lifecycle';
import { resolvePlayInputs, type ResolvedInputs } from '../library/resolve-inputs';
import type { Player } from '../player/player';
import { ApiError } from './errors';
import { defaultRateLimit, RateLimitOptions, TokenBucket } from './rate-limit';
import { matchRoute, Method, PlaylistSummary, RouteServices } from './routes';
import { bearerToken, minTokenLength, tokensEqual } from './token';

/** The only address the API ever listens on. */
export const loopbackHost = '127.0.0.1';

export interface ApiServerOptions {
  readonly player: Player;
  /** Every request must send `Authorization: Bearer <token>`. */
  readonly token: string;
  /** 0 picks a free port (tests); read the real one from `server.port`. */
  readonly port: number;
  /** Only '127.0.0.1' is accepted; anything else is refused before a socket is opened. */
  readonly host?: string;
  /** For GET /playlists; none → an empty list. */
  readonly listPlaylists?: () => Promise<readonly PlaylistSummary[]>;
  /** For POST /queue { paths }; defaults to the library's resolver (folders, files, playlists, URLs). */
  readonly resolvePaths?: (paths: readonly string[]) => Promise<ResolvedInputs>;
  readonly rateLimit?: RateLimitOptions;
  readonly log?: (message: string) => void;
}

/**
 * The REST API over plain `node:http`, shared by `playhead serve` and the extension. Loopback
 * only, bearer token on every request (compared in constant time), a token-bucket rate limit,
 * small JSON bodies. Disposing closes the listener and destroys every open socket, so no
 * keep-alive connection outlives it.
 */
export class ApiServer extends Disposable {
  private readonly sockets = new Set<Socket>();
  private readonly bucket: TokenBucket;
  private readonly services: RouteServices;
  private readonly log: (message: string) => void;

  private constructor(
    private readonly server: http.Server,
    private readonly options: ApiServerOptions,
  ) {
    super();
    this.bucket = new TokenBucket(options.rateLimit ?? defaultRateLimit);
    this.log = options.log ?? (() => undefined);
    this.services = {
      player: options.player,
      listPlaylists: options.listPlaylists ?? (async () => []),
      resolvePaths: options.resolvePaths ?? ((paths) => resolvePlayInputs(paths)),
    };
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request, response) => void this.handle(request, response));
    this._register(
      toDisposable(() => {
        server.close();
        for (const socket of this.sockets) socket.destroy();
        this.sockets.clear();
      }),
    );
  }

  /** Starts listening on 127.0.0.1:`port`; rejects for another host, a bad token or a taken port. */
  static async listen(options: ApiServerOptions): Promise<ApiServer> {
    const host = options.host ?? loopbackHost;
    if (host !== loopbackHost) {
      throw new Error(`The Playhead API listens on ${loopbackHost} only, not on ${host}.`);
    }
    if (options.token.length < minTokenLength) {
      throw new Error(`The API token must be at least ${minTokenLength} characters.`);
    }
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new Error(`Not a port: ${options.port}`);
    }
    const server = http.createServer();
    // Slow or idle clients must not hold sockets for long: this is a tiny local API.
    server.headersTimeout = 5_000;
    server.requestTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    server.maxHeadersCount = 64;
    const api = new ApiServer(server, options);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: options.port, host: loopbackHost, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      api.dispose();
      throw error;
    }
    server.on('error', (error) => api.log(`API server error: ${error.message}`));
    return api;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL of the API, e.g. http://127.0.0.1:8765/api/v1 */
  get url(): string {
    return `http://${loopbackHost}:${this.port}/api/v1`;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    // A client hanging up mid-request must never become an unhandled 'error' in the host.
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    try {
      const retryAfter = this.bucket.take();
      if (retryAfter > 0) {
        throw new ApiError(429, 'rate-limited', 'Too many requests.', { 'Retry-After': String(retryAfter) });
      }
      this.checkHost(request.headers.host);
      this.authenticate(request.headers.authorization);
      const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
      const match = matchRoute(pathname);
      if (!match) {
        throw new ApiError(404, 'not-found', `No such endpoint: ${pathname}`);
      }
      const handler = match.route.methods[request.method as Method];
      if (!handler) {
        const allow = Object.keys(match.route.methods).join(', ');
        throw new ApiError(405, 'method-not-allowed', `${request.method} is not allowed here; use ${allow}.`, { Allow: allow });
      }
      const result = await handler({ services: this.services, request, params: match.params });
      send(response, result.status, result.body);
    } catch (error) {
      if (error instanceof ApiError) {
        send(response, error.status, { error: error.message, reason: error.reason, ...error.details }, error.headers);
        if (error.status === 413) {
          // The rest of the body was never read: close the connection once the reply is out.
          response.once('finish', () => request.socket.destroy());
        }
        return;
      }
      this.log(`API ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      send(response, 500, { error: 'Internal error; see the Playhead log.', reason: 'internal' });
    }
  }

  /**
   * DNS rebinding guard: a web page whose host name resolves to 127.0.0.1 reaches this port
   * with its own name in Host. Only loopback names are served.
   */
  private checkHost(host: string | undefined): void {
    const allowed = [`${loopbackHost}:${this.port}`, `localhost:${this.port}`];
    if (host === undefined || !allowed.includes(host.toLowerCase())) {
      throw new ApiError(403, 'forbidden-host', `Requests must be addressed to ${loopbackHost}:${this.port}.`);
    }
  }

  private authenticate(header: string | undefined): void {
    const presented = bearerToken(header);
    if (presented === undefined) {
      throw new ApiError(401, 'unauthorized', 'Send Authorization: Bearer <token>.', { 'WWW-Authenticate': 'Bearer realm="playhead"' });
    }
    if (!tokensEqual(presented, this.options.token)) {
      throw new ApiError(401, 'unauthorized', 'Wrong token.', { 'WWW-Authenticate': 'Bearer realm="playhead", error="invalid_token"' });
    }
  }
}

function send(response: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(status === 413 ? { Connection: 'close' } : {}),
    ...headers,
  });
  response.end(text);
}
