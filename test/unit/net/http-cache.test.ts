import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpCache } from '../../../src/net/http-cache';
import { openHttpSource, type HttpSourceOptions } from '../../../src/net/http-source';
import type { NetworkSource } from '../../../src/net/types';
import { TestServer, fast, readAll, serveBytes, testBytes } from './server';

describe('net/http-cache', () => {
  let server: TestServer;
  let dir: string;
  const sources: NetworkSource[] = [];
  const open = async (url: string, options: HttpSourceOptions) => {
    const source = await openHttpSource(url, { ...fast, ...options });
    sources.push(source);
    return source;
  };
  /** Download completely and wait until the cache stored it. */
  const download = async (url: string, cache: HttpCache) => {
    const source = await open(url, { cache });
    const bytes = await readAll(source, 16 * 1024);
    assert.equal(await source.whenCached(), true);
    return bytes;
  };
  const entries = async () => (await fs.readdir(dir)).filter((n) => !n.startsWith('tmp-') && !n.startsWith('trash-'));

  beforeEach(async () => {
    server = await TestServer.start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'playhead-http-cache-'));
  });
  afterEach(async () => {
    for (const source of sources.splice(0)) source.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a replay from disk without any request', async () => {
    const bytes = testBytes(300_000, 31);
    server.route('/song.flac', serveBytes(bytes, { contentType: 'audio/flac', headers: { ETag: '"v1"' } }));
    const cache = new HttpCache({ directory: dir, maxBytes: 10_000_000 });
    assert.ok((await download(server.url('/song.flac'), cache)).equals(bytes));
    const before = server.requests.length;
    const again = await open(server.url('/song.flac'), { cache });
    assert.equal(again.fromCache, true);
    assert.equal(again.size, bytes.length);
    assert.equal(again.contentType, 'audio/flac');
    assert.ok((await readAll(again, 50_000)).equals(bytes));
    assert.equal(server.requests.length, before, 'no request for a cached replay');
    // Another window (another HttpCache over the same folder) finds it too.
    const other = await open(server.url('/song.flac'), { cache: new HttpCache({ directory: dir, maxBytes: 10_000_000 }) });
    assert.equal(other.fromCache, true);
    assert.equal(server.requests.length, before);
  });

  it('revalidates with the ETag when asked, and serves the cache on 304', async () => {
    const bytes = testBytes(20_000, 32);
    const plain = serveBytes(bytes, { headers: { ETag: '"v1"' } });
    server.route('/r', (req, res, s) => (req.headers['if-none-match'] === '"v1"' ? res.writeHead(304).end() : plain(req, res, s)));
    const cache = new HttpCache({ directory: dir, maxBytes: 10_000_000 });
    await download(server.url('/r'), cache);
    const again = await open(server.url('/r'), { cache, revalidate: true });
    assert.equal(again.fromCache, true);
    assert.equal(server.requests.at(-1)!.headers['if-none-match'], '"v1"');
    assert.ok((await readAll(again)).equals(bytes));
  });

  it('replaces the cached copy when revalidation finds a new version', async () => {
    let version = 1;
    server.route('/changing', (req, res, s) => {
      const etag = `"v${version}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
      serveBytes(testBytes(30_000, version), { headers: { ETag: etag } })(req, res, s);
    });
    const cache = new HttpCache({ directory: dir, maxBytes: 10_000_000 });
    await download(server.url('/changing'), cache);
    version = 2;
    const fresh = await open(server.url('/changing'), { cache, revalidate: true });
    assert.equal(fresh.fromCache, false);
    assert.ok((await readAll(fresh)).equals(testBytes(30_000, 2)));
    assert.equal(await fresh.whenCached(), true);
    const replay = await open(server.url('/changing'), { cache });
    assert.equal(replay.fromCache, true);
    assert.ok((await readAll(replay)).equals(testBytes(30_000, 2)));
    assert.equal((await entries()).length, 1);
  });

  it('never stores or serves a partial download', async () => {
    const bytes = testBytes(200_000, 33);
    server.route('/p', serveBytes(bytes));
    const cache = new HttpCache({ directory: dir, maxBytes: 10_000_000 });
    // Read a little, then close: nothing is published, the temporary copy is removed.
    const partial = await open(server.url('/p'), { cache, readAheadBytes: 16 * 1024 });
    await partial.read(0, 1000);
    partial.dispose();
    assert.equal(await partial.whenCached(), false);
    // A download that jumped (a seek) is not contiguous: not stored either.
    const jumped = await open(server.url('/p'), { cache, readAheadBytes: 16 * 1024, seekGapBytes: 1024 });
    await jumped.read(150_000, 50_000);
    await jumped.read(0, 150_000);
    assert.equal(await jumped.whenCached(), false);
    // A server that closes early and never gives the rest: not stored.
    server.route('/short', (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100000' });
      res.end(testBytes(50_000));
    });
    const short = await open(server.url('/short'), { cache, retry: { maxRetries: 0 } });
    await assert.rejects(readAll(short));
    assert.equal(await short.whenCached(), false);
    // `whenCached()` settles false only once the temporary copy is removed: no pause needed.
    assert.deepEqual(await entries(), []);
    assert.deepEqual(await fs.readdir(dir), []);
    assert.equal(await cache.lookup(server.url('/p')), undefined);
  });

  it('lets concurrent writers of the same URL race safely: one complete entry', async () => {
    const bytes = testBytes(400_000, 34);
    server.route('/same', serveBytes(bytes, { chunkSize: 8192 }));
    const windowA = new HttpCache({ directory: dir, maxBytes: 10_000_000 });
    const windowB = new HttpCache({ directory: dir, maxBytes: 10_000_000 });
    const [a, b] = await Promise.all([open(server.url('/same'), { cache: windowA }), open(server.url('/same'), { cache: windowB })]);
    const [bytesA, bytesB] = await Promise.all([readAll(a, 20_000), readAll(b, 30_000)]);
    assert.ok(bytesA.equals(bytes) && bytesB.equals(bytes));
    const stored = await Promise.all([a.whenCached(), b.whenCached()]);
    assert.ok(stored.includes(true), 'one of them published');
    assert.equal((await entries()).length, 1);
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.startsWith('tmp-')), []);
    const hit = await windowA.lookup(server.url('/same'));
    assert.ok(hit && (await fs.readFile(hit.dataPath)).equals(bytes));
  });

  it('two processes (two windows) downloading the same URL into one folder: one complete entry, both correct', async function () {
    this.timeout(60_000);
    const bytes = testBytes(3 * 1024 * 1024, 36);
    server.route('/shared.flac', serveBytes(bytes, { chunkSize: 32 * 1024 }));
    const worker = path.join(__dirname, 'cache-worker.ts');
    const run = () =>
      new Promise<{ fromCache: boolean; stored: boolean; length: number; sha: string }>((resolve, reject) =>
        execFile(process.execPath, ['--require', require.resolve('tsx/cjs'), worker, server.url('/shared.flac'), dir], (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
        ),
      );
    const results = await Promise.all([run(), run()]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    for (const r of results) assert.deepEqual([r.length, r.sha], [bytes.length, sha]);
    // Either both downloaded (one publish wins) or the second found the first's entry.
    assert.ok(results.some((r) => r.stored || r.fromCache));
    assert.equal((await entries()).length, 1);
    assert.deepEqual((await fs.readdir(dir)).filter((n) => n.startsWith('tmp-')), []);
    const hit = await new HttpCache({ directory: dir, maxBytes: 100_000_000 }).lookup(server.url('/shared.flac'));
    assert.ok(hit && (await fs.readFile(hit.dataPath)).equals(bytes));
  });

  it('evicts the least recently used entries to stay under the size limit', async () => {
    const cache = new HttpCache({ directory: dir, maxBytes: 250_000, maxEntryBytes: 200_000 });
    for (const name of ['a', 'b', 'c']) server.route(`/${name}`, serveBytes(testBytes(100_000, name.charCodeAt(0))));
    await download(server.url('/a'), cache);
    await new Promise((r) => setTimeout(r, 20));
    await download(server.url('/b'), cache);
    await new Promise((r) => setTimeout(r, 20));
    // Using a makes b the least recently used.
    assert.ok(await cache.lookup(server.url('/a')));
    await new Promise((r) => setTimeout(r, 20));
    await download(server.url('/c'), cache);
    assert.ok(await cache.lookup(server.url('/a')));
    assert.equal(await cache.lookup(server.url('/b')), undefined);
    assert.ok(await cache.lookup(server.url('/c')));
    assert.equal((await entries()).length, 2);
  });

  it('does not cache live streams or files over the entry limit', async () => {
    server.route('/live', serveBytes(testBytes(30_000), { noLength: true, ranges: false }));
    server.route('/huge', serveBytes(testBytes(300_000)));
    const cache = new HttpCache({ directory: dir, maxBytes: 400_000, maxEntryBytes: 200_000 });
    const live = await open(server.url('/live'), { cache });
    await readAll(live);
    assert.equal(await live.whenCached(), false);
    const huge = await open(server.url('/huge'), { cache });
    await readAll(huge, 100_000);
    assert.equal(await huge.whenCached(), false);
    assert.deepEqual(await entries(), []);
  });

  it('tolerates an entry vanishing between lookup and use (another window evicted it)', async () => {
    server.route('/v', serveBytes(testBytes(10_000, 35)));
    const cache = new HttpCache({ directory: dir, maxBytes: 1_000_000 });
    await download(server.url('/v'), cache);
    const [entry] = await entries();
    await fs.rm(path.join(dir, entry!), { recursive: true });
    const source = await open(server.url('/v'), { cache });
    assert.equal(source.fromCache, false);
    assert.ok((await readAll(source)).equals(testBytes(10_000, 35)));
  });
});
