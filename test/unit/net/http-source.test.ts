import * as assert from 'node:assert/strict';
import { NetError } from '../../../src/net/errors';
import { openHttpSource, type HttpSourceOptions } from '../../../src/net/http-source';
import type { BufferingState, NetworkSource } from '../../../src/net/types';
import { TestServer, fast, readAll, serveBytes, testBytes } from './server';


async function rejectsWith(promise: Promise<unknown>, reason: string): Promise<NetError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof NetError, `expected a NetError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    return error;
  }
  assert.fail(`expected a NetError (${reason})`);
}

describe('net/http-source', () => {
  let server: TestServer;
  const sources: NetworkSource[] = [];
  const open = async (path: string, options: HttpSourceOptions = {}) => {
    const source = await openHttpSource(server.url(path), { ...fast, ...options });
    sources.push(source);
    return source;
  };

  beforeEach(async () => {
    server = await TestServer.start();
  });
  afterEach(async () => {
    for (const source of sources.splice(0)) source.dispose();
    await server.close();
  });

  it('reads a whole file with its size, range support and content type', async () => {
    const bytes = testBytes(300_000);
    server.route('/a.mp3', serveBytes(bytes, { contentType: 'audio/mpeg' }));
    const source = await open('/a.mp3');
    assert.equal(source.size, bytes.length);
    assert.equal(source.live, false);
    assert.equal(source.contentType, 'audio/mpeg');
    assert.ok((await readAll(source, 10_000)).equals(bytes));
    // Reads past the end are short, then empty.
    assert.equal((await source.read(bytes.length - 5, 100)).length, 5);
    assert.equal((await source.read(bytes.length, 100)).length, 0);
  });

  it('returns a fresh buffer on every read', async () => {
    server.route('/f', serveBytes(testBytes(50_000)));
    const source = await open('/f');
    const a = await source.read(0, 100);
    const b = await source.read(0, 100);
    assert.notEqual(a.buffer, b.buffer);
    a.fill(0);
    assert.ok(b.equals(testBytes(100)));
  });

  it('seeks with a range request and downloads only around the requested bytes', async () => {
    const bytes = testBytes(16 * 1024 * 1024, 7);
    // Paced at 16 MB/s, so what the kernel's socket buffers would swallow stays small too.
    server.route('/big', serveBytes(bytes, { delayMs: 1 }));
    const source = await open('/big', { readAheadBytes: 64 * 1024, keepBehindBytes: 16 * 1024 });
    assert.ok((await source.read(0, 1000)).equals(bytes.subarray(0, 1000)));
    const far = 12_000_000;
    assert.ok((await source.read(far, 5000)).equals(bytes.subarray(far, far + 5000)));
    // Back to an earlier place: another range request, not a download from the start.
    const back = 3_000_000;
    assert.ok((await source.read(back, 5000)).equals(bytes.subarray(back, back + 5000)));
    const ranges = server.requestsTo('/big').map((r) => r.headers.range);
    assert.deepEqual(ranges, ['bytes=0-', `bytes=${far}-`, `bytes=${back}-`]);
    // What reached the player: the read-ahead windows around the three places, not the file.
    assert.ok(source.buffering.downloaded < 1024 * 1024, `downloaded ${source.buffering.downloaded} of ${bytes.length}`);
    // The kernel's socket buffers (MBs on loopback) let the server write ahead of that, but
    // each connection is closed at the seek: nowhere near the whole file went out.
    assert.ok(server.bytesSent < bytes.length * 0.75, `sent ${server.bytesSent} of ${bytes.length}`);
  });

  it('seeks on a server without range support by reading from the start again', async () => {
    const bytes = testBytes(400_000, 3);
    server.route('/noranges', serveBytes(bytes, { ranges: false }));
    const source = await open('/noranges', { readAheadBytes: 32 * 1024, keepBehindBytes: 8 * 1024 });
    assert.ok((await source.read(300_000, 1000)).equals(bytes.subarray(300_000, 301_000)));
    assert.ok((await source.read(10, 1000)).equals(bytes.subarray(10, 1010)));
    assert.equal(server.requestsTo('/noranges').length, 2);
  });

  it('serves a read larger than the read-ahead window while the download is paused', async () => {
    const bytes = testBytes(1024 * 1024, 8);
    server.route('/wide', serveBytes(bytes, { chunkSize: 4096 }));
    const source = await open('/wide', { readAheadBytes: 16 * 1024, keepBehindBytes: 4096 });
    assert.ok((await source.read(0, 1000)).equals(bytes.subarray(0, 1000)));
    await new Promise((r) => setTimeout(r, 100)); // the download pauses at the read-ahead target
    assert.ok((await source.read(1000, 600_000)).equals(bytes.subarray(1000, 601_000)));
  });

  it('fails with a typed error on 404, without retrying', async () => {
    const error = await rejectsWith(openHttpSource(server.url('/missing'), fast), 'http-status');
    assert.equal(error.status, 404);
    assert.match(error.message, /HTTP 404/);
    assert.equal(server.requests.length, 1);
  });

  it('retries a 500 with backoff, then fails with a typed error', async () => {
    server.route('/broken', (_req, res) => res.writeHead(500, 'Internal Server Error').end());
    const error = await rejectsWith(openHttpSource(server.url('/broken'), fast), 'http-status');
    assert.equal(error.status, 500);
    assert.match(error.message, /HTTP 500.*gave up after 3 retries/);
    assert.equal(server.requests.length, 4);
  });

  it('recovers when a 500 is temporary', async () => {
    let calls = 0;
    const ok = serveBytes(testBytes(1000));
    server.route('/flaky', (req, res, s) => (++calls <= 2 ? res.writeHead(503).end() : ok(req, res, s)));
    const source = await open('/flaky');
    assert.ok((await readAll(source)).equals(testBytes(1000)));
  });

  it('follows redirects, and stops a redirect loop with a clear error', async () => {
    server.route('/moved', (_req, res) => res.writeHead(302, { Location: '/real' }).end());
    server.route('/real', serveBytes(testBytes(2000)));
    assert.ok((await readAll(await open('/moved'))).equals(testBytes(2000)));

    server.route('/ping', (_req, res) => res.writeHead(301, { Location: '/pong' }).end());
    server.route('/pong', (_req, res) => res.writeHead(307, { Location: `${server.url('/ping')}` }).end());
    const loop = await rejectsWith(openHttpSource(server.url('/ping'), fast), 'redirect-loop');
    assert.match(loop.message, /redirect loop/);
  });

  it('gives up after 5 redirects', async () => {
    server.route('/hop', (req, res) => {
      const n = Number(/n=(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      res.writeHead(302, { Location: `/hop?n=${n + 1}` }).end();
    });
    await rejectsWith(openHttpSource(server.url('/hop'), fast), 'too-many-redirects');
    assert.equal(server.requestsTo('/hop').length, 6);
  });

  it('reports starvation during a stall and resumes by itself when the server continues', async () => {
    const bytes = testBytes(200_000, 5);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    server.route('/stall', serveBytes(bytes, { before: (offset) => (offset >= 64 * 1024 ? held : undefined) }));
    const source = await open('/stall', { readAheadBytes: 32 * 1024 });
    const events: BufferingState[] = [];
    source.onDidChangeBuffering((state) => events.push(state));
    assert.ok((await source.read(0, 60_000)).equals(bytes.subarray(0, 60_000)));
    const pending = source.read(100_000, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(source.buffering.starved, true);
    release();
    assert.ok((await pending).equals(bytes.subarray(100_000, 110_000)));
    assert.equal(source.buffering.starved, false);
    assert.deepEqual(
      events.filter((e, i) => i === 0 || e.starved !== events[i - 1]!.starved).map((e) => e.starved),
      [true, false],
    );
  });

  it('ends a dead stall with a typed error after a bounded time', async () => {
    const bytes = testBytes(200_000, 6);
    server.route('/dead', serveBytes(bytes, { before: (offset) => (offset >= 32 * 1024 ? new Promise<void>(() => undefined) : undefined) }));
    const source = await open('/dead', { idleTimeoutMs: 150, stallTimeoutMs: 800, readAheadBytes: 16 * 1024 });
    const started = Date.now();
    const error = await rejectsWith(source.read(100_000, 1000), 'stalled');
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    assert.match(error.message, /no data/);
  });

  it('keeps up with a slow trickle: sequential reads get every byte in order', async () => {
    const bytes = testBytes(120_000, 9);
    server.route('/trickle', serveBytes(bytes, { chunkSize: 4096, delayMs: 4 }));
    const source = await open('/trickle', { readAheadBytes: 64 * 1024 });
    const states: boolean[] = [];
    source.onDidChangeBuffering((s) => states.push(s.starved));
    assert.ok((await readAll(source, 4096)).equals(bytes));
    // Starvation always ends: every starved is followed by a recovery (progress events repeat `true` in between).
    const transitions = states.filter((s, i) => i === 0 || s !== states[i - 1]);
    assert.equal(transitions.at(-1) ?? false, false);
  });

  it('read-ahead keeps a slower consumer fed from a trickle: no starvation after the start', async () => {
    const bytes = testBytes(200_000, 10);
    server.route('/steady', serveBytes(bytes, { chunkSize: 4096, delayMs: 4 }));
    const source = await open('/steady', { readAheadBytes: 64 * 1024, starvedAfterMs: 100 });
    const starved: boolean[] = [];
    source.onDidChangeBuffering((s) => s.starved && starved.push(true));
    await source.read(0, 4096);
    // A decoder consuming ~5× slower than the network delivers, as playback does.
    for (let offset = 4096; offset < 40 * 4096; offset += 4096) {
      await new Promise((r) => setTimeout(r, 20));
      assert.ok((await source.read(offset, 4096)).equals(bytes.subarray(offset, offset + 4096)));
    }
    assert.deepEqual(starved, []);
    assert.ok(source.buffering.bufferedAhead > 16 * 1024, `ahead ${source.buffering.bufferedAhead}`);
  });

  it('resumes at the right offset with a Range request after a dropped connection', async () => {
    const bytes = testBytes(600_000, 11);
    let dropped = false;
    server.route(
      '/drop',
      serveBytes(bytes, {
        before: (offset) => {
          if (!dropped && offset >= 256 * 1024) {
            dropped = true;
            return 'drop';
          }
          return undefined;
        },
      }),
    );
    const source = await open('/drop', { readAheadBytes: 1024 * 1024 });
    assert.ok((await readAll(source, 50_000)).equals(bytes));
    const ranges = server.requestsTo('/drop').map((r) => r.headers.range);
    assert.equal(ranges.length, 2);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1]!)?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= 256 * 1024, `resumed at ${resumedAt}`);
  });

  it('treats a response without a length as a live stream: sequential only, clear error going back', async () => {
    const bytes = testBytes(3 * 1024 * 1024, 13);
    server.route('/live', serveBytes(bytes, { noLength: true, ranges: false, contentType: 'audio/mpeg' }));
    const source = await open('/live', { keepBehindBytes: 64 * 1024, readAheadBytes: 64 * 1024 });
    assert.equal(source.size, undefined);
    assert.equal(source.live, true);
    assert.ok((await source.read(0, 1000)).equals(bytes.subarray(0, 1000)));
    assert.ok((await source.read(2_000_000, 1000)).equals(bytes.subarray(2_000_000, 2_001_000)));
    await rejectsWith(source.read(0, 1000), 'not-seekable');
  });

  it('a live stream that drops ends with a clear error after its buffered bytes, or reconnects when asked', async () => {
    const bytes = testBytes(300_000, 14);
    let requests = 0;
    server.route('/radio', (req, res, s) => {
      // The first connection of each source drops after about 100 kB.
      const drops = ++requests <= 2;
      serveBytes(bytes, { noLength: true, ranges: false, before: (offset) => (drops && offset >= 100_000 ? 'drop' : undefined) })(req, res, s);
    });
    const source = await open('/radio');
    assert.ok((await source.read(0, 90_000)).equals(bytes.subarray(0, 90_000)));
    const error = await rejectsWith(source.read(90_000, 100_000), 'connection');
    assert.match(error.message, /live stream was interrupted/);
    assert.equal(requests, 1);

    const reconnecting = await open('/radio', { reconnectLive: true });
    // The new connection's bytes follow the old ones (a new stream, spliced).
    const spliced = await reconnecting.read(0, 400_000);
    assert.equal(spliced.length, 400_000);
    assert.ok(spliced.subarray(0, 100_000).equals(bytes.subarray(0, 100_000)));
    assert.equal(requests, 3);
  });

  it('gives a format hint from magic bytes and content type', async () => {
    const flac = Buffer.concat([Buffer.from('fLaC'), testBytes(5000)]);
    server.route('/x', serveBytes(flac, { contentType: 'application/octet-stream' }));
    assert.deepEqual(await (await open('/x')).formatHint(), { kind: 'audio', container: 'flac' });
    server.route('/page', serveBytes(Buffer.from('<html>hello</html>'), { contentType: 'text/html; charset=utf-8' }));
    assert.deepEqual(await (await open('/page')).formatHint(), { kind: 'not-audio', contentType: 'text/html' });
    server.route('/list.pls', serveBytes(Buffer.from('[playlist]\nFile1=http://127.0.0.1/a\n'), { contentType: 'audio/x-scpls' }));
    assert.deepEqual(await (await open('/list.pls')).formatHint(), { kind: 'playlist', format: 'pls' });
  });

  it('fails reads after dispose, and dispose closes the connection', async () => {
    server.route('/d', serveBytes(testBytes(5 * 1024 * 1024), { chunkSize: 1024, delayMs: 1 }));
    const source = await openHttpSource(server.url('/d'), fast);
    await source.read(0, 1000);
    const pending = source.read(4 * 1024 * 1024, 1000);
    source.dispose();
    await rejectsWith(pending, 'closed');
    await rejectsWith(source.read(0, 10), 'closed');
  });

  it('rejects URLs it cannot play', async () => {
    await rejectsWith(openHttpSource('ftp://127.0.0.1/x', fast), 'bad-url');
    await rejectsWith(openHttpSource('not a url', fast), 'bad-url');
  });

  it('bounds the whole open, retries included, when a server never answers', async () => {
    server.route('/silent', () => undefined);
    const started = Date.now();
    await rejectsWith(openHttpSource(server.url('/silent'), { ...fast, connectTimeoutMs: 200, openTimeoutMs: 500 }), 'connect-timeout');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.ok(server.requestsTo('/silent').length >= 2, 'retried within the deadline');
  });

  it('fails clearly when nothing listens', async () => {
    const port = server.port;
    await server.close();
    server = await TestServer.start();
    const error = await rejectsWith(openHttpSource(`http://127.0.0.1:${port}/x`, { ...fast, retry: { maxRetries: 1, baseDelayMs: 10 } }), 'connection');
    assert.match(error.message, /ECONNREFUSED/);
  });
});
