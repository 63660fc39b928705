import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mp3File } from '../../../bench/lib/tagged-files';
import { scanLibrary } from '../../../src/library/scanner';
import { TagCache } from '../../../src/library/tag-cache';
import { readTags, type TagReader } from '../../../src/library/tags';
import { useTempDir, writeTree } from './helpers';

/** The real music-metadata reader, counting which files it was asked to read. */
function countingReader(): TagReader & { calls: string[] } {
  const calls: string[] = [];
  const reader = (async (filePath: string) => {
    calls.push(filePath);
    return readTags(filePath);
  }) as TagReader & { calls: string[] };
  reader.calls = calls;
  return reader;
}

describe('library/tag-cache', () => {
  const tmp = useTempDir();
  let music: string;
  let cacheDir: string;

  beforeEach(() => {
    music = path.join(tmp.path, 'music');
    cacheDir = path.join(tmp.path, 'cache');
    const files: Record<string, Uint8Array> = {};
    for (let i = 1; i <= 12; i++) files[`music/${i % 3}/${i} - Song.mp3`] = mp3File({ title: `Sång ${i}`, track: String(i) });
    files['music/broken.mp3'] = Buffer.from('not audio '.repeat(40));
    writeTree(tmp.path, files);
  });

  it('a second scan of an unchanged folder reads no tags, also from a reopened cache', async () => {
    const first = countingReader();
    const cache = await TagCache.open(cacheDir);
    const cold = await scanLibrary(music, { cache, readTags: first });
    assert.equal(first.calls.length, 13);
    assert.equal(cold.progress.tagReads, 13);
    await cache.save();

    const second = countingReader();
    const warm = await scanLibrary(music, { cache, readTags: second });
    assert.equal(second.calls.length, 0);
    assert.equal(warm.progress.fromCache, 13);
    assert.deepEqual(warm.tracks, cold.tracks);
    assert.deepEqual(warm.skipped, cold.skipped, 'the corrupt file is remembered as corrupt');

    const third = countingReader();
    const reopened = await TagCache.open(cacheDir);
    assert.equal(reopened.size, 13);
    const fromDisk = await scanLibrary(music, { cache: reopened, readTags: third });
    assert.equal(third.calls.length, 0);
    assert.deepEqual(fromDisk.tracks, cold.tracks);
  });

  it('re-reads exactly the file whose mtime changed, and the one invalidated', async () => {
    const cache = TagCache.inMemory();
    await scanLibrary(music, { cache, readTags: countingReader() });
    const changed = path.join(music, '1', '4 - Song.mp3');
    writeFileSync(changed, mp3File({ title: 'Changed', track: '4' }));
    utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    const invalidated = path.join(music, '2', '5 - Song.mp3');
    assert.equal(cache.invalidate(invalidated), true);

    const reader = countingReader();
    const result = await scanLibrary(music, { cache, readTags: reader });
    assert.deepEqual(reader.calls.sort(), [changed, invalidated].sort());
    assert.equal(result.tracks.find((t) => t.path === changed)!.tags.title, 'Changed');
  });

  it('a rescan notices added and removed files, and a change that keeps the size', async () => {
    const cache = TagCache.inMemory();
    const before = await scanLibrary(music, { cache, readTags: countingReader() });
    const added = path.join(music, '0', '13 - Song.mp3');
    writeFileSync(added, mp3File({ title: 'Added', track: '13' }));
    const removed = path.join(music, '1', '7 - Song.mp3');
    const { rmSync, statSync } = await import('node:fs');
    rmSync(removed);
    // Same length, new content and mtime: only the mtime tells the cache.
    const retitled = path.join(music, '2', '8 - Song.mp3');
    const size = statSync(retitled).size;
    writeFileSync(retitled, mp3File({ title: 'Sång X', track: '8' }));
    assert.equal(statSync(retitled).size, size);
    utimesSync(retitled, new Date(), new Date(Date.now() + 5000));

    const reader = countingReader();
    const after = await scanLibrary(music, { cache, readTags: reader });
    assert.deepEqual(reader.calls.sort(), [added, retitled].sort());
    assert.equal(after.tracks.length, before.tracks.length);
    assert.ok(after.tracks.some((t) => t.path === added && t.tags.title === 'Added'));
    assert.ok(!after.tracks.some((t) => t.path === removed));
    assert.equal(after.tracks.find((t) => t.path === retitled)!.tags.title, 'Sång X');
    assert.equal(cache.lookup(removed, size, 0), undefined);
  });

  it('forgets files that disappeared after a complete scan', async () => {
    const cache = TagCache.inMemory();
    await scanLibrary(music, { cache, readTags: countingReader() });
    assert.equal(cache.size, 13);
    const { rmSync } = await import('node:fs');
    rmSync(path.join(music, '0'), { recursive: true });
    await scanLibrary(music, { cache, readTags: countingReader() });
    assert.equal(cache.size, 9);
    assert.equal(cache.invalidateFolder(path.join(music, '1')), 4);
    assert.equal(cache.size, 5);
  });

  it('starts empty, with a log line, when the cache file is corrupt, and repairs it on save', async () => {
    writeTree(cacheDir, { 'tags-v1.json': '{"version":1,"entries":{"/x":[1,2,' });
    const log: string[] = [];
    const cache = await TagCache.open(cacheDir, { log: (m) => log.push(m) });
    assert.equal(cache.size, 0);
    assert.equal(log.length, 1);
    assert.match(log[0]!, /corrupt.*starting empty/);
    await scanLibrary(music, { cache, readTags: countingReader() });
    await cache.save();
    const saved = JSON.parse(readFileSync(path.join(cacheDir, 'tags-v1.json'), 'utf8')) as { entries: object };
    assert.equal(Object.keys(saved.entries).length, 13);
    // The atomic write leaves no temp files behind.
    assert.deepEqual(readdirSync(cacheDir), ['tags-v1.json']);
  });

  it('ignores a cache of another format version, and does not write when nothing changed', async () => {
    writeTree(cacheDir, { 'tags-v1.json': JSON.stringify({ version: 99, entries: { '/x': [1, 2, { hasCover: false }] } }) });
    const cache = await TagCache.open(cacheDir);
    assert.equal(cache.size, 0);
    const fresh = await TagCache.open(path.join(tmp.path, 'other-cache'));
    await fresh.save();
    assert.equal(existsSync(path.join(tmp.path, 'other-cache', 'tags-v1.json')), false);
  });
});
