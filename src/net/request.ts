import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { trackSocket } from '../diagnostics/tracked';
import { NetError, redactUrl } from './errors';
import { connectToleratingIcy } from './icy-status';
import { proxyAuthorization, resolveProxy, type ProxySettings } from './proxy';

export interface RequestInit extends ProxySettings {
  readonly headers?: Readonly<Record<string, string>>;
  /** Until the response headers arrive (covers DNS, TCP, TLS, proxy and the server's think time). */
  readonly connectTimeoutMs: number;
  /** Cancels the request (dispose of the owner). */
  readonly signal?: AbortSignal;
}

/**
 * One GET, no redirects, no retries: resolves with the response once its headers are in.
 * The caller owns the response and must consume or destroy it. Every socket is private to
 * its request (no agent pool), so destroying the response frees everything.
 */
export function sendRequest(url: URL, init: RequestInit): Promise<http.IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new NetError('bad-url', `${redactUrl(url)}: only http and https URLs can be played`));
  }
  const proxy = resolveProxy(url, init);
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    let settled = false;
    const cleanups: (() => void)[] = [];
    const finish = (error: Error | undefined, response?: http.IncomingMessage) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (error) reject(error);
      else resolve(response!);
    };
    // Requests made along the way (a CONNECT, then the GET): all destroyed on failure.
    const live: http.ClientRequest[] = [];
    const fail = (error: Error) => {
      for (const request of live) request.destroy();
      finish(error);
    };

    const timer = setTimeout(
      () => fail(new NetError('connect-timeout', `${redactUrl(url)}: no response within ${init.connectTimeoutMs} ms`)),
      init.connectTimeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
    if (init.signal) {
      if (init.signal.aborted) return fail(new NetError('closed', `${redactUrl(url)}: request cancelled`));
      const onAbort = () => fail(new NetError('closed', `${redactUrl(url)}: request cancelled`));
      init.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => init.signal!.removeEventListener('abort', onAbort));
    }

    const start = (request: http.ClientRequest) => {
      live.push(request);
      countSocket(request);
      request.on('response', (response) => finish(undefined, response));
      request.on('error', (error) => fail(error instanceof NetError ? error : connectionError(url, error, proxy)));
      request.end();
    };

    const headers = { 'User-Agent': 'Playhead', ...init.headers };
    if (!proxy) {
      if (url.protocol === 'https:') start(https.request(url, { headers, agent: false, rejectUnauthorized: init.strictSSL !== false }));
      // Plain HTTP may be an old SHOUTcast server answering `ICY 200 OK`.
      else start(http.request(url, { headers, createConnection: connectToleratingIcy(url) }));
      return;
    }
    const auth = proxyAuthorization(proxy, init);
    const proxyPort = Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);
    if (url.protocol === 'http:') {
      // Plain HTTP through a proxy: the absolute URL goes to the proxy (RFC 7230 §5.3.2),
      // without user:password (those become the origin's Authorization header, as direct).
      const target = new URL(url.href);
      target.username = '';
      target.password = '';
      const origin = url.username ? { Authorization: `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` } : {};
      start(
        http.request({
          host: proxy.hostname,
          port: proxyPort,
          path: target.href,
          headers: { ...origin, ...headers, Host: url.host, ...(auth ? { 'Proxy-Authorization': auth } : {}) },
          agent: false,
        }),
      );
      return;
    }
    // HTTPS through a proxy: a CONNECT tunnel, then TLS to the origin inside it.
    const authority = `${url.hostname}:${url.port || 443}`;
    const connect = http.request({
      host: proxy.hostname,
      port: proxyPort,
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...(auth ? { 'Proxy-Authorization': auth } : {}) },
      agent: false,
    });
    live.push(connect);
    countSocket(connect);
    connect.on('error', (error) => fail(connectionError(url, error, proxy)));
    connect.on('connect', (answer: http.IncomingMessage, socket: Duplex) => {
      if (answer.statusCode !== 200) {
        socket.destroy();
        return fail(new NetError('proxy', `${redactUrl(url)}: the proxy ${proxy.host} refused the tunnel (HTTP ${answer.statusCode})`));
      }
      // SNI carries host names only (RFC 6066); the certificate is still checked against an IP.
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const secure = tls.connect({ socket, host, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: init.strictSSL !== false });
      start(https.request(url, { headers, createConnection: () => secure }));
    });
    connect.end();
  });
}

/** Each request's socket counts as a live 'socket' until it closes (Show Diagnostics, the soak). */
function countSocket(request: http.ClientRequest): void {
  request.once('socket', (socket: Duplex) => trackSocket(socket, 'sendRequest'));
}

function connectionError(url: URL, error: Error, proxy: URL | undefined): NetError {
  const via = proxy ? ` (via proxy ${proxy.host})` : '';
  const code = (error as NodeJS.ErrnoException).code;
  return new NetError('connection', `${redactUrl(url)}: connection failed${via}: ${code ? `${code} ` : ''}${error.message}`);
}
