import * as http from 'node:http';
import type { AudioEngine } from '../../../src/engine/api';

/** A reply as the tests read it. */
export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

export interface CallOptions {
  readonly token?: string | undefined;
  /** Sent as JSON unless `raw` is given. */
  readonly json?: unknown;
  readonly raw?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Send the raw body in chunks without Content-Length. */
  readonly chunked?: boolean;
  readonly agent?: http.Agent;
}

/** One HTTP request to the API on 127.0.0.1 (the only address these tests ever contact). */
export function call(port: number, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) headers['content-type'] ??= 'application/json';
    if (body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent: options.agent ?? false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined });
      });
      response.on('error', reject);
    });
    // The server may answer (413) and close before the whole body is written: that is fine.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (body !== undefined && options.chunked) {
      const bytes = Buffer.from(body);
      for (let offset = 0; offset < bytes.length; offset += 16 * 1024) request.write(bytes.subarray(offset, offset + 16 * 1024));
      request.end();
    } else {
      request.end(body);
    }
  });
}

/** An engine that is never asked to play: enough for tests about the listener itself. */
export function idleEngine(): AudioEngine {
  const none = () => ({ dispose: () => undefined });
  return {
    state: 'idle',
    load: () => Promise.reject(new Error('not in this test')),
    play: async () => undefined,
    pause: async () => undefined,
    stop: async () => undefined,
    seek: async () => undefined,
    setVolume: async () => undefined,
    preloadNext: async () => undefined,
    onDidChangeState: none,
    onPosition: none,
    onTrackStarted: none,
    onTrackEnded: none,
    onError: none,
    dispose: () => undefined,
  };
}
