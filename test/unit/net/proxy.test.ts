import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { NetError } from '../../../src/net/errors';
import { openHttpSource } from '../../../src/net/http-source';
import { proxyAuthorization, resolveProxy } from '../../../src/net/proxy';
import type { NetworkSource } from '../../../src/net/types';
import { TestServer, fast, readAll, serveBytes, testBytes } from './server';
import { TEST_CERT, TEST_KEY } from './tls-fixture';

/** A forward proxy on 127.0.0.1 that only ever connects to 127.0.0.1, recording what it was asked. */
async function startProxy(): Promise<{ url: string; seen: string[]; auth: (string | undefined)[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const auth: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    auth.push(req.headers['proxy-authorization']);
    const target = new URL(req.url!);
    if (target.hostname !== '127.0.0.1') return void res.writeHead(403).end();
    const upstream = http.request(target, { method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    auth.push(req.headers['proxy-authorization']);
    const [host, port] = req.url!.split(':');
    if (host !== '127.0.0.1') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    auth,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('net/proxy', () => {
  it('picks the explicit proxy, else the environment, honouring NO_PROXY; loopback skips environment proxies', () => {
    const u = (s: string) => new URL(s);
    const env = { HTTP_PROXY: 'http://env-proxy:3128', HTTPS_PROXY: 'secure-proxy:8443', NO_PROXY: 'internal.example, .corp.example:8080' };
    assert.equal(resolveProxy(u('http://radio.example/x'), { env })?.href, 'http://env-proxy:3128/');
    assert.equal(resolveProxy(u('https://radio.example/x'), { env })?.href, 'http://secure-proxy:8443/');
    assert.equal(resolveProxy(u('http://internal.example/x'), { env }), undefined);
    assert.equal(resolveProxy(u('http://a.internal.example/x'), { env }), undefined);
    assert.equal(resolveProxy(u('http://a.corp.example:8080/x'), { env }), undefined);
    assert.equal(resolveProxy(u('http://a.corp.example/x'), { env })?.host, 'env-proxy:3128');
    assert.equal(resolveProxy(u('http://127.0.0.1:9/x'), { env }), undefined);
    assert.equal(resolveProxy(u('http://localhost:9/x'), { env }), undefined);
    assert.equal(resolveProxy(u('http://radio.example/x'), { env, proxy: 'http://vscode-proxy:8080' })?.host, 'vscode-proxy:8080');
    assert.equal(resolveProxy(u('http://radio.example/x'), { env: { NO_PROXY: '*' }, proxy: 'http://p:1' }), undefined);
    assert.equal(resolveProxy(u('http://radio.example/x'), { env: {} }), undefined);
    assert.equal(proxyAuthorization(u('http://user:p%40ss@p:1')), `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    assert.equal(proxyAuthorization(u('http://p:1'), { proxyAuthorization: 'Negotiate abc' }), 'Negotiate abc');
  });

  describe('through a local proxy', () => {
    let server: TestServer;
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let tlsServer: https.Server | undefined;
    const sources: NetworkSource[] = [];
    beforeEach(async () => {
      server = await TestServer.start();
      proxy = await startProxy();
    });
    afterEach(async () => {
      for (const s of sources.splice(0)) s.dispose();
      await server.close();
      await proxy.close();
      if (tlsServer) {
        tlsServer.closeAllConnections();
        await new Promise<void>((r) => tlsServer!.close(() => r()));
        tlsServer = undefined;
      }
    });

    it('sends plain HTTP requests to the proxy in absolute form, with its credentials', async () => {
      const bytes = testBytes(100_000, 41);
      server.route('/via', serveBytes(bytes));
      const source = await openHttpSource(server.url('/via'), { ...fast, proxy: proxy.url.replace('http://', 'http://me:secret@') });
      sources.push(source);
      assert.ok((await readAll(source)).equals(bytes));
      assert.deepEqual(proxy.seen, [`GET ${server.url('/via')}`]);
      assert.equal(proxy.auth[0], `Basic ${Buffer.from('me:secret').toString('base64')}`);
    });

    it('sends credentials in the URL as the origin Authorization header, never in the proxied request line', async () => {
      server.route('/private', (req, res, s) =>
        req.headers.authorization === `Basic ${Buffer.from('dj:pw').toString('base64')}` ? serveBytes(testBytes(100))(req, res, s) : res.writeHead(401).end(),
      );
      const url = server.url('/private').replace('http://', 'http://dj:pw@');
      const viaProxy = await openHttpSource(url, { ...fast, proxy: proxy.url });
      sources.push(viaProxy);
      assert.ok((await readAll(viaProxy)).equals(testBytes(100)));
      assert.deepEqual(proxy.seen, [`GET ${server.url('/private')}`]);
      const direct = await openHttpSource(url, fast);
      sources.push(direct);
      assert.ok((await readAll(direct)).equals(testBytes(100)));
      // The password never reaches messages (decoders and logs use source.uri).
      assert.equal(direct.uri, server.url('/private').replace('http://', 'http://dj:***@'));
      await assert.rejects(openHttpSource(url.replace('/private', '/nope'), fast), (e: Error) => !e.message.includes('pw') && e.message.includes('dj:***@'));
    });

    it('tunnels HTTPS with CONNECT, and range requests go through the tunnel too', async () => {
      const bytes = testBytes(2 * 1024 * 1024, 42);
      const route = serveBytes(bytes);
      tlsServer = https.createServer({ cert: TEST_CERT, key: TEST_KEY }, (req, res) => route(req, res, server));
      await new Promise<void>((r) => tlsServer!.listen(0, '127.0.0.1', r));
      const url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/secure.flac`;
      const source = await openHttpSource(url, { ...fast, proxy: proxy.url, strictSSL: false, readAheadBytes: 64 * 1024 });
      sources.push(source);
      assert.equal(source.size, bytes.length);
      assert.ok((await source.read(1_500_000, 1000)).equals(bytes.subarray(1_500_000, 1_501_000)));
      assert.ok((await source.read(0, 1000)).equals(bytes.subarray(0, 1000)));
      assert.ok(proxy.seen.length >= 2 && proxy.seen.every((s) => s === `CONNECT 127.0.0.1:${(tlsServer!.address() as AddressInfo).port}`), proxy.seen.join());
    });

    it('refuses an untrusted certificate unless strictSSL is off', async () => {
      tlsServer = https.createServer({ cert: TEST_CERT, key: TEST_KEY }, (_req, res) => res.end('x'));
      await new Promise<void>((r) => tlsServer!.listen(0, '127.0.0.1', r));
      const url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/x`;
      await assert.rejects(openHttpSource(url, { ...fast, retry: { maxRetries: 0 } }), (e) => e instanceof NetError && e.reason === 'connection');
      await assert.rejects(openHttpSource(url, { ...fast, proxy: proxy.url, retry: { maxRetries: 0 } }), (e) => e instanceof NetError && e.reason === 'connection');
      const direct = await openHttpSource(url, { ...fast, strictSSL: false });
      sources.push(direct);
      assert.equal((await readAll(direct)).toString(), 'x');
    });

    it('reports a proxy that refuses the tunnel', async () => {
      await assert.rejects(
        openHttpSource('https://radio.invalid/x', { ...fast, proxy: proxy.url, retry: { maxRetries: 0 } }),
        (e) => e instanceof NetError && e.reason === 'proxy' && /HTTP 403/.test(e.message),
      );
    });
  });
});
