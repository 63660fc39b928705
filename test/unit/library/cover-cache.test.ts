import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { flacFile, mp3File, TINY_PNG } from '../../../bench/lib/tagged-files';
import { CoverCache } from '../../../src/library/cover-cache';
import { readCover, type CoverArt } from '../../../src/library/tags';
import { useTempDir, writeTree } from './helpers';

describe('library/cover-cache', () => {
  const tmp = useTempDir();

  it('reads embedded covers from MP3 and FLAC, and nothing from files without one', async () => {
    writeTree(tmp.path, {
      'a.mp3': mp3File({ title: 'a', cover: TINY_PNG }),
      'b.flac': flacFile({ title: 'b', cover: TINY_PNG }),
      'c.mp3': mp3File({ title: 'c' }),
    });
    const mp3 = await readCover(path.join(tmp.path, 'a.mp3'));
    assert.equal(mp3?.format, 'image/png');
    assert.deepEqual(Buffer.from(mp3!.data), TINY_PNG);
    const flac = await readCover(path.join(tmp.path, 'b.flac'));
    assert.deepEqual(Buffer.from(flac!.data), TINY_PNG);
    assert.equal(await readCover(path.join(tmp.path, 'c.mp3')), undefined);
  });

  it('loads lazily, shares concurrent loads, and evicts least recently used beyond the byte bound', async () => {
    const loads: string[] = [];
    const cache = new CoverCache({
      maxBytes: 3000,
      load: async (p) => {
        loads.push(p);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return p === 'none' ? undefined : ({ format: 'image/png', data: new Uint8Array(1000) } satisfies CoverArt);
      },
    });
    const [x, y] = await Promise.all([cache.get('a'), cache.get('a')]);
    assert.equal(x, y);
    assert.deepEqual(loads, ['a']);
    await cache.get('b');
    await cache.get('a'); // a is now the most recently used
    await cache.get('c'); // over budget: b goes
    assert.ok(cache.size <= 3000, `held ${cache.size} bytes`);
    await cache.get('a');
    assert.deepEqual(loads, ['a', 'b', 'c']);
    await cache.get('b');
    assert.deepEqual(loads, ['a', 'b', 'c', 'b']);
    assert.equal(await cache.get('none'), undefined);
    await cache.get('none');
    assert.equal(loads.filter((p) => p === 'none').length, 1, '"no cover" is remembered too');
  });

  it('re-reads after invalidate, does not keep oversize pictures, and does not cache failures', async () => {
    let loads = 0;
    let fail = true;
    const cache = new CoverCache({
      maxBytes: 500,
      load: async (p) => {
        loads++;
        if (p === 'bad' && fail) throw new Error('corrupt');
        return { format: 'image/jpeg', data: new Uint8Array(p === 'huge' ? 10_000 : 100) };
      },
    });
    await cache.get('x');
    cache.invalidate('x');
    await cache.get('x');
    assert.equal(loads, 2);
    await cache.get('huge');
    await cache.get('huge');
    assert.equal(loads, 4);
    assert.ok(cache.size <= 500);
    await assert.rejects(cache.get('bad'), /corrupt/);
    fail = false;
    assert.ok(await cache.get('bad'));
  });
});
