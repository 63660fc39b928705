import * as assert from 'node:assert/strict';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileByteSource } from '../../../src/decode/byte-source';
import { NetError } from '../../../src/net/errors';
import { SourceOpener } from '../../../src/net/opener';
import type { NetworkSource } from '../../../src/net/types';
import { TestServer, fast, readAll, serveBytes, testBytes } from './server';

describe('net/opener', () => {
  let server: TestServer;
  let dir: string;
  beforeEach(async () => {
    server = await TestServer.start();
    dir = mkdtempSync(path.join(os.tmpdir(), 'playhead-opener-'));
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens local paths as files and URLs through the network, with hooks for titles and buffering', async () => {
    const file = path.join(dir, 'a.bin');
    await fs.writeFile(file, testBytes(100));
    const opener = new SourceOpener({}, fast);
    const local = await opener.open(file);
    assert.ok(local instanceof FileByteSource);
    local.dispose();
    server.route('/x', serveBytes(testBytes(5000)));
    const remote = (await opener.open(server.url('/x'), { onTitle: () => undefined })) as NetworkSource;
    assert.equal(remote.fromCache, false);
    assert.ok((await readAll(remote)).equals(testBytes(5000)));
    remote.dispose();
  });

  it('caches when given a folder, not when the size is 0; a lowered limit evicts at once', async () => {
    server.route('/a', serveBytes(testBytes(50_000, 1)));
    const cacheDirectory = path.join(dir, 'cache');
    const off = new SourceOpener({ cacheDirectory, cacheMaxBytes: 0 }, fast);
    const first = (await off.open(server.url('/a'))) as NetworkSource;
    await readAll(first);
    assert.equal(await first.whenCached(), false);
    first.dispose();

    const on = new SourceOpener({ cacheDirectory, cacheMaxBytes: 1_000_000 }, fast);
    const second = (await on.open(server.url('/a'))) as NetworkSource;
    await readAll(second);
    assert.equal(await second.whenCached(), true);
    second.dispose();
    const replay = (await on.open(server.url('/a'))) as NetworkSource;
    assert.equal(replay.fromCache, true);
    replay.dispose();

    on.update({ cacheDirectory, cacheMaxBytes: 10_000 });
    for (let waited = 0; (await fs.readdir(cacheDirectory)).length > 0 && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await fs.readdir(cacheDirectory), []);
  });

  it('follows a playlist served under an audio-looking URL, and names a web page as such', async () => {
    server.route('/s.mp3', serveBytes(testBytes(3000, 2)));
    server.route('/listen', serveBytes(Buffer.from(`#EXTM3U\n${server.url('/s.mp3')}\n`), { contentType: 'audio/x-mpegurl' }));
    server.route('/page', serveBytes(Buffer.from('<!doctype html><title>Radio</title>'), { contentType: 'text/html' }));
    server.route('/empty.pls', serveBytes(Buffer.from('[playlist]\nNumberOfEntries=0\n'), { contentType: 'audio/x-scpls' }));
    const opener = new SourceOpener({}, fast);
    const followed = (await opener.open(server.url('/listen'))) as NetworkSource;
    assert.equal(followed.uri, server.url('/s.mp3'));
    assert.ok((await readAll(followed)).equals(testBytes(3000, 2)));
    followed.dispose();
    await assert.rejects(opener.open(server.url('/page')), (e: Error) => e instanceof NetError && /text\/html, not audio/.test(e.message));
    await assert.rejects(opener.open(server.url('/empty.pls')), (e: Error) => e instanceof NetError && /no http\(s\) stream/.test(e.message));
  });
});
