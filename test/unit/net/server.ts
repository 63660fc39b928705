import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpSourceOptions } from '../../../src/net/http-source';

/**
 * A local HTTP server for the network tests, on 127.0.0.1 only (nothing else is ever
 * contacted). Routes are plain functions; every request is recorded, and body bytes are
 * counted as they are written so tests can prove what was (not) downloaded.
 */
export interface Recorded {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
}

export type Route = (req: http.IncomingMessage, res: http.ServerResponse, server: TestServer) => void;

export class TestServer {
  readonly requests: Recorded[] = [];
  bytesSent = 0;
  private readonly routes = new Map<string, Route>();
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<TestServer> {
    const server = http.createServer();
    const test = new TestServer(server);
    server.on('request', (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      test.requests.push({ path, headers: req.headers });
      const route = test.routes.get(path);
      if (!route) {
        res.writeHead(404, 'Not Found').end('not found');
        return;
      }
      route(req, res, test);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return test;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  route(path: string, route: Route): this {
    this.routes.set(path, route);
    return this;
  }

  requestsTo(path: string): Recorded[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ServeOptions {
  /** Answer Range requests with 206 (default true). */
  readonly ranges?: boolean;
  readonly chunkSize?: number;
  /** Pause between chunks (a trickle). */
  readonly delayMs?: number;
  /** Called before each chunk with the absolute offset; return a promise to hold the stream (a stall), 'drop' to cut the connection. */
  readonly before?: (offset: number, req: http.IncomingMessage) => void | 'drop' | Promise<void>;
  /** Send no Content-Length (chunked), like a stream. */
  readonly noLength?: boolean;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Serve `bytes` honouring `Range: bytes=a-` / `a-b`, written chunk by chunk with backpressure. */
export function serveBytes(bytes: Buffer, options: ServeOptions = {}): Route {
  return (req, res, server) => {
    const chunkSize = options.chunkSize ?? 16 * 1024;
    let start = 0;
    let end = bytes.length;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const headers: Record<string, string> = { 'Content-Type': options.contentType ?? 'application/octet-stream', ...options.headers };
    if (options.ranges !== false) headers['Accept-Ranges'] = 'bytes';
    if (range && options.ranges !== false) {
      start = Number(range[1]);
      end = range[2] ? Math.min(bytes.length, Number(range[2]) + 1) : bytes.length;
      if (start >= bytes.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
        return;
      }
      headers['Content-Range'] = `bytes ${start}-${end - 1}/${bytes.length}`;
      if (!options.noLength) headers['Content-Length'] = String(end - start);
      res.writeHead(206, headers);
    } else {
      if (!options.noLength) headers['Content-Length'] = String(bytes.length);
      res.writeHead(200, headers);
    }
    let offset = start;
    let closed = false;
    res.on('close', () => (closed = true));
    const next = async () => {
      while (!closed && offset < end) {
        const hold = options.before?.(offset, req);
        if (hold === 'drop') {
          res.socket?.destroy();
          return;
        }
        if (hold) await hold;
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        if (closed) return;
        const chunk = bytes.subarray(offset, Math.min(end, offset + chunkSize));
        offset += chunk.length;
        server.bytesSent += chunk.length;
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done).off('close', done);
              resolve();
            };
            res.on('drain', done).on('close', done);
          });
        }
      }
      if (!closed) res.end();
    };
    void next();
  };
}

/** Deterministic pseudo-random bytes (so a mismatch is reproducible). */
export function testBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function readAll(source: { read(offset: number, length: number): Promise<Buffer>; size: number | undefined }, step = 8192): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const part = await source.read(offset, step);
    parts.push(part);
    offset += part.length;
    if (part.length < step) break;
  }
  return Buffer.concat(parts);
}

/** Short timeouts and an empty environment (no proxy variables of the machine apply). */
export const fast: HttpSourceOptions = {
  connectTimeoutMs: 2000,
  idleTimeoutMs: 2000,
  stallTimeoutMs: 3000,
  starvedAfterMs: 50,
  retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 3000 },
  env: {},
};

/**
 * Interleave metadata blocks into `audio` every `metaint` bytes, as an Icecast server does:
 * one piece per block (its audio and the length byte and text after it).
 */
export function icyBlocks(audio: Buffer, metaint: number, titleAt: (block: number) => Buffer | undefined): Buffer[] {
  const blocks: Buffer[] = [];
  for (let p = 0, block = 0; p < audio.length; p += metaint, block++) {
    const parts = [audio.subarray(p, p + metaint)];
    if (p + metaint <= audio.length) {
      const text = titleAt(block);
      const length = text ? Math.ceil(text.length / 16) : 0;
      const padded = Buffer.alloc(length * 16);
      text?.copy(padded);
      parts.push(Buffer.from([length]), padded);
    }
    blocks.push(Buffer.concat(parts));
  }
  return blocks;
}

export function icyStream(audio: Buffer, metaint: number, titleAt: (block: number) => Buffer | undefined): Buffer {
  return Buffer.concat(icyBlocks(audio, metaint, titleAt));
}

/**
 * A station's bytes with `StreamTitle`s after the given blocks, cut in two after block
 * `splitAfter` (so a test can hold the second part back until the first title was seen).
 */
export function icyRadio(audio: Buffer, metaint: number, titles: Readonly<Record<number, string>>, splitAfter: number): { first: Buffer; rest: Buffer } {
  const blocks = icyBlocks(audio, metaint, (block) => (titles[block] === undefined ? undefined : Buffer.from(`StreamTitle='${titles[block]}';StreamUrl='';`)));
  return { first: Buffer.concat(blocks.slice(0, splitAfter)), rest: Buffer.concat(blocks.slice(splitAfter)) };
}

/** A promise with its resolver, for a route to wait on something the test sees. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
