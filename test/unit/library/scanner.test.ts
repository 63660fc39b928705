import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { flacFile, mp3File, TINY_PNG, wavFile } from '../../../bench/lib/tagged-files';
import { ReadPacer } from '../../../src/library/read-pacer';
import { nodeScanFileSystem, type ScanFileSystem } from '../../../src/library/scan-fs';
import { createScanFilter, isSkippedEntry, readTrack, scanFolders, scanLibrary, ScanError } from '../../../src/library/scanner';
import { createTagReader, type TagReader } from '../../../src/library/tags';
import { relativeTo, useTempDir, writeTree } from './helpers';

/** A reader that never touches the file: tags from the name, counting calls. */
function fakeReader(): TagReader & { calls: string[] } {
  const calls: string[] = [];
  const reader = (async (filePath: string) => {
    calls.push(filePath);
    return { title: path.basename(filePath), hasCover: false };
  }) as TagReader & { calls: string[] };
  reader.calls = calls;
  return reader;
}

/** Blocks the thread like a slow synchronous file-system call. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* busy */
  }
}

describe('library/scanner', () => {
  const tmp = useTempDir();

  it('reads real tags, keeps non-ASCII text intact, and falls back to the file name', async () => {
    writeTree(tmp.path, {
      'Album/01.mp3': mp3File({
        title: 'Jóga — 夜に駆ける',
        artist: 'Björk',
        album: 'Ålbum',
        albumArtist: 'Various Ärtists',
        track: '1/9',
        disc: '1/2',
        year: '1997',
        genre: 'Électronique',
        replayGainTrackGain: '-6.50 dB',
        replayGainTrackPeak: '0.988',
        replayGainAlbumGain: '-7.25 dB',
        replayGainAlbumPeak: '1.000',
        cover: TINY_PNG,
      }),
      'Album/02.flac': flacFile({ title: 'Сплин', artist: 'Романс', track: '2', cover: TINY_PNG }, { seconds: 3 }),
      // RIFF INFO text is Latin-1 by spec; taggers write UTF-8 anyway: it must come back right.
      'Album/03.wav': wavFile({ title: 'Café Ünïcode', artist: 'Zoë' }),
      'Loose/04 - Somebody - Untagged Song.mp3': mp3File({}),
    });
    const result = await scanLibrary(tmp.path, { readTags: createTagReader({ detectCovers: true }) });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(relativeTo(tmp.path, result.tracks.map((t) => t.path)), [
      'Album/01.mp3',
      'Album/02.flac',
      'Album/03.wav',
      'Loose/04 - Somebody - Untagged Song.mp3',
    ]);
    const [mp3, flac, wav, untagged] = result.tracks.map((t) => t.tags);
    assert.equal(mp3!.title, 'Jóga — 夜に駆ける');
    assert.equal(mp3!.artist, 'Björk');
    assert.equal(mp3!.album, 'Ålbum');
    assert.equal(mp3!.albumArtist, 'Various Ärtists');
    assert.deepEqual([mp3!.trackNumber, mp3!.trackTotal, mp3!.discNumber, mp3!.discTotal, mp3!.year], [1, 9, 1, 2, 1997]);
    assert.deepEqual(mp3!.genre, ['Électronique']);
    assert.deepEqual(mp3!.replayGain, { trackGain: -6.5, trackPeak: 0.988, albumGain: -7.25, albumPeak: 1 });
    assert.equal(mp3!.hasCover, true);
    assert.ok(mp3!.duration! > 0.4 && mp3!.duration! < 0.7, `mp3 duration ${mp3!.duration}`);
    assert.equal(mp3!.inferred, undefined);
    assert.equal(flac!.title, 'Сплин');
    assert.equal(flac!.duration, 3);
    assert.equal(flac!.hasCover, true);
    assert.equal(flac!.album, 'Album', 'album falls back to the folder name');
    assert.deepEqual(flac!.inferred, ['album']);
    assert.equal(wav!.title, 'Café Ünïcode');
    assert.equal(wav!.artist, 'Zoë');
    assert.equal(wav!.hasCover, false);
    assert.deepEqual(
      [untagged!.title, untagged!.artist, untagged!.album, untagged!.trackNumber],
      ['Untagged Song', 'Somebody', 'Loose', 4],
    );

    // The default reader skips covers (faster); everything else is the same, cover unknown.
    const fast = await scanLibrary(tmp.path);
    assert.deepEqual(
      fast.tracks.map((t) => t.tags),
      result.tracks.map(({ tags: { hasCover: _known, ...rest } }) => rest),
    );
  });

  it('orders tracks by folder, disc, track number and natural name', async () => {
    writeTree(tmp.path, {
      'b/10 ten.mp3': mp3File({}),
      'b/2 two.mp3': mp3File({}),
      'b/1 One.mp3': mp3File({}),
      'a/z.mp3': mp3File({ title: 'z', track: '1', disc: '2' }),
      'a/y.mp3': mp3File({ title: 'y', track: '10', disc: '1' }),
      'a/x.mp3': mp3File({ title: 'x', track: '9', disc: '1' }),
      'a/sub/q.mp3': mp3File({}),
      'track 2.mp3': mp3File({}),
      'Track 10.mp3': mp3File({}),
    });
    const result = await scanLibrary(tmp.path, { concurrency: 3 });
    assert.deepEqual(relativeTo(tmp.path, result.tracks.map((t) => t.path)), [
      'track 2.mp3',
      'Track 10.mp3',
      'a/x.mp3',
      'a/y.mp3',
      'a/z.mp3',
      'a/sub/q.mp3',
      'b/1 One.mp3',
      'b/2 two.mp3',
      'b/10 ten.mp3',
    ]);
  });

  it('reports unsupported files, skips hidden files and ignored globs silently', async () => {
    writeTree(tmp.path, {
      'a.mp3': mp3File({}),
      'notes.txt': 'hello',
      'cover.jpg': TINY_PNG,
      README: 'no extension',
      '.hidden.mp3': mp3File({}),
      '.git/x.mp3': mp3File({}),
      'node_modules/y.mp3': mp3File({}),
      'demos/b.mp3': mp3File({}),
      'demos/keep/c.mp3': mp3File({}),
      'x/demos/d.mp3': mp3File({}),
      'e.wav.part': 'partial download',
      'f.tmp.mp3': mp3File({}),
    });
    const reader = fakeReader();
    const result = await scanLibrary(tmp.path, { readTags: reader, ignore: ['node_modules', '/demos/*.mp3', '*.tmp.*'] });
    assert.deepEqual(relativeTo(tmp.path, result.tracks.map((t) => t.path)), ['a.mp3', 'demos/keep/c.mp3', 'x/demos/d.mp3']);
    assert.deepEqual(
      result.skipped.map((s) => [path.relative(tmp.path, s.path), s.kind, s.reason]),
      [
        ['cover.jpg', 'unsupported', 'unsupported file type .jpg'],
        ['e.wav.part', 'unsupported', 'unsupported file type .part'],
        ['notes.txt', 'unsupported', 'unsupported file type .txt'],
        ['README', 'unsupported', 'unsupported file type (no extension)'],
      ],
    );
    // Ignored and hidden files were never read.
    assert.equal(reader.calls.length, 3);

    const withHidden = await scanLibrary(tmp.path, { readTags: fakeReader(), includeHidden: true, ignore: ['node_modules'] });
    const found = relativeTo(tmp.path, withHidden.tracks.map((t) => t.path));
    assert.ok(found.includes('.hidden.mp3') && found.includes('.git/x.mp3'), found.join());
  });

  it('follows symlinks without looping, and reports loops and broken links', async function () {
    writeTree(tmp.path, {
      'music/a/1.mp3': mp3File({}),
      'outside/o.mp3': mp3File({}),
    });
    const music = path.join(tmp.path, 'music');
    try {
      symlinkSync(music, path.join(music, 'a', 'loop-to-root'), 'dir');
    } catch {
      this.skip(); // no symlink permission (Windows without developer mode)
    }
    symlinkSync(path.join(music, 'a'), path.join(music, 'a-again'), 'dir');
    symlinkSync(path.join(tmp.path, 'outside'), path.join(music, 'linked-outside'), 'dir');
    symlinkSync(path.join(tmp.path, 'outside', 'o.mp3'), path.join(music, 'linked-file.mp3'), 'file');
    symlinkSync(path.join(tmp.path, 'nowhere.mp3'), path.join(music, 'broken.mp3'), 'file');
    symlinkSync(path.join(music, 'self'), path.join(music, 'self'), 'file');

    const result = await scanLibrary(music, { readTags: fakeReader() });
    assert.deepEqual(relativeTo(music, result.tracks.map((t) => t.path)), [
      'linked-file.mp3',
      'a/1.mp3',
      'linked-outside/o.mp3',
    ]);
    assert.deepEqual(
      result.skipped.map((s) => [path.relative(music, s.path), s.kind]),
      [
        ['a-again', 'duplicate-folder'],
        ['a/loop-to-root', 'duplicate-folder'],
        ['broken.mp3', 'broken-link'],
        ['self', 'broken-link'],
      ],
    );
    assert.match(result.skipped[1]!.reason, /already scanned/);

    const notFollowing = await scanLibrary(music, { readTags: fakeReader(), followSymlinks: false });
    assert.deepEqual(relativeTo(music, notFollowing.tracks.map((t) => t.path)), ['linked-file.mp3', 'a/1.mp3']);
  });

  it('reports an unreadable folder and carries on with the rest', async () => {
    writeTree(tmp.path, { 'ok/a.mp3': mp3File({}), 'locked/b.mp3': mp3File({}) });
    const locked = path.join(tmp.path, 'locked');
    chmodSync(locked, 0o000);
    let deniedForReal = false;
    try {
      readdirSync(locked);
    } catch {
      deniedForReal = true;
    }
    // As root (as in CI containers) chmod 000 does not stop reads, so the real error path
    // cannot be provoked; inject the EACCES the file system would raise instead (from both
    // listings: the scan lists synchronously while that is fast).
    const denied = (folder: string) => Object.assign(new Error(`EACCES: permission denied, scandir '${folder}'`), { code: 'EACCES' });
    const fs: ScanFileSystem = deniedForReal
      ? nodeScanFileSystem
      : {
          ...nodeScanFileSystem,
          readdir: async (folder) => {
            if (folder === locked) throw denied(folder);
            return nodeScanFileSystem.readdir(folder);
          },
          readdirSync: (folder) => {
            if (folder === locked) throw denied(folder);
            return nodeScanFileSystem.readdirSync!(folder);
          },
        };
    try {
      const result = await scanLibrary(tmp.path, { readTags: fakeReader(), fs });
      assert.deepEqual(relativeTo(tmp.path, result.tracks.map((t) => t.path)), ['ok/a.mp3']);
      assert.equal(result.skipped.length, 1);
      assert.equal(result.skipped[0]!.path, locked);
      assert.equal(result.skipped[0]!.kind, 'unreadable-folder');
      assert.match(result.skipped[0]!.reason, /EACCES/);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('skips a corrupt file with the reason, never failing the scan', async () => {
    writeTree(tmp.path, {
      'good.mp3': mp3File({ title: 'Good' }),
      'garbage.mp3': Buffer.from('this is not audio at all '.repeat(50)),
      'truncated.flac': flacFile({ title: 'x' }).subarray(0, 20),
      'empty.ogg': Buffer.alloc(0),
    });
    const result = await scanLibrary(tmp.path);
    assert.deepEqual(result.tracks.map((t) => t.tags.title), ['Good']);
    assert.deepEqual(
      result.skipped.map((s) => [path.basename(s.path), s.kind]),
      [
        ['empty.ogg', 'unreadable-file'],
        ['garbage.mp3', 'unreadable-file'],
        ['truncated.flac', 'unreadable-file'],
      ],
    );
    for (const skipped of result.skipped) assert.match(skipped.reason, /^cannot read tags: .+/);
  });

  it('streams each folder as soon as it is done, and reports progress', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let f = 0; f < 5; f++) for (let i = 0; i < 4; i++) files[`f${f}/${i}.mp3`] = mp3File({});
    writeTree(tmp.path, files);
    const progress: number[] = [];
    const folders: string[] = [];
    for await (const folder of scanFolders(tmp.path, {
      readTags: fakeReader(),
      progressIntervalMs: 0,
      onProgress: (p) => progress.push(p.audioFilesDone),
    })) {
      folders.push(path.basename(folder.folder));
      assert.deepEqual(folder.tracks.map((t) => path.basename(t.path)), ['0.mp3', '1.mp3', '2.mp3', '3.mp3']);
    }
    assert.deepEqual(folders.sort(), ['f0', 'f1', 'f2', 'f3', 'f4']);
    assert.equal(progress.at(-1), 20);
    assert.ok(progress.length > 2);
  });

  it('never runs more reads at once than the concurrency bound', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 40; i++) files[`d${i % 4}/${i}.mp3`] = mp3File({});
    writeTree(tmp.path, files);
    let running = 0;
    let peak = 0;
    const reader: TagReader = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      return { hasCover: false };
    };
    const result = await scanLibrary(tmp.path, { readTags: reader, concurrency: 3 });
    assert.equal(result.tracks.length, 40);
    assert.equal(peak, 3);
  });

  it('stops when cancelled and rejects with the abort reason', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) files[`d${i % 3}/${i}.mp3`] = mp3File({});
    writeTree(tmp.path, files);
    const controller = new AbortController();
    let reads = 0;
    const reader: TagReader = async () => {
      if (++reads === 5) controller.abort(new Error('user cancelled'));
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { hasCover: false };
    };
    await assert.rejects(scanLibrary(tmp.path, { readTags: reader, signal: controller.signal, concurrency: 2 }), /user cancelled/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(reads <= 7, `reads after cancel: ${reads}`);
    await assert.rejects(scanLibrary(tmp.path, { signal: controller.signal }), /user cancelled/);
  });

  it('scans a single file, and fails clearly only when the root itself is missing', async () => {
    writeTree(tmp.path, { 'one.mp3': mp3File({ title: 'One' }) });
    const single = await scanLibrary(path.join(tmp.path, 'one.mp3'));
    assert.deepEqual(single.tracks.map((t) => t.tags.title), ['One']);
    await assert.rejects(scanLibrary(path.join(tmp.path, 'missing')), ScanError);
  });

  it('reads one file for the watcher with readTrack', async () => {
    writeTree(tmp.path, { 'a.mp3': mp3File({ title: 'A' }), 'b.txt': 'x' });
    const track = await readTrack(path.join(tmp.path, 'a.mp3'));
    assert.ok(!isSkippedEntry(track) && track.tags.title === 'A');
    const skipped = await readTrack(path.join(tmp.path, 'b.txt'));
    assert.ok(isSkippedEntry(skipped) && skipped.kind === 'unsupported');
    const gone = await readTrack(path.join(tmp.path, 'gone.mp3'));
    assert.ok(isSkippedEntry(gone) && gone.kind === 'unreadable-file');
  });

  it('stats with fast synchronous calls, and switches to async ones when they turn out slow', async () => {
    writeTree(tmp.path, { 'a.mp3': mp3File({}), 'b.mp3': mp3File({}), 'sub/c.mp3': mp3File({}), 'sub/d.mp3': mp3File({}) });
    const sync: string[] = [];
    const async_: string[] = [];
    const slowSync: ScanFileSystem = {
      ...nodeScanFileSystem,
      stat: (p) => {
        async_.push(p);
        return nodeScanFileSystem.stat(p);
      },
      statSync: (p) => {
        sync.push(p);
        busyFor(0.5); // a network share's latency
        return nodeScanFileSystem.statSync!(p);
      },
    };
    const result = await scanLibrary(tmp.path, { readTags: fakeReader(), fs: slowSync, concurrency: 1 });
    assert.equal(result.tracks.length, 4);
    assert.deepEqual(relativeTo(tmp.path, sync).sort(), ['a.mp3', 'b.mp3'], 'the first batch was synchronous');
    assert.deepEqual(relativeTo(tmp.path, async_.filter((p) => p.endsWith('.mp3'))).sort(), ['sub/c.mp3', 'sub/d.mp3']);

    sync.length = 0;
    // Answers from memory, so no scheduling hiccup on a loaded machine can make it look slow.
    const known = new Map(['a.mp3', 'b.mp3', 'sub/c.mp3', 'sub/d.mp3'].map((r) => [path.join(tmp.path, r), nodeScanFileSystem.statSync!(path.join(tmp.path, r))]));
    const fastSync: ScanFileSystem = { ...slowSync, statSync: (p) => (sync.push(p), known.get(p)!) };
    await scanLibrary(tmp.path, { readTags: fakeReader(), fs: fastSync, concurrency: 1 });
    assert.equal(sync.length, 4, 'fast synchronous stats stay in use');
  });

  it('lists folders with synchronous calls while they are fast, and with async ones once they are slow', async () => {
    writeTree(tmp.path, { 'a.mp3': mp3File({}), 'sub/b.mp3': mp3File({}), 'sub/deeper/c.mp3': mp3File({}) });
    const sync: string[] = [];
    const async_: string[] = [];
    const listings = (slowMs: number): ScanFileSystem => ({
      ...nodeScanFileSystem,
      readdir: (folder) => {
        async_.push(folder);
        return nodeScanFileSystem.readdir(folder);
      },
      readdirSync: (folder) => {
        sync.push(folder);
        busyFor(slowMs); // a network share's latency
        return nodeScanFileSystem.readdirSync!(folder);
      },
    });
    const slow = await scanLibrary(tmp.path, { readTags: fakeReader(), fs: listings(5), concurrency: 1 });
    assert.deepEqual(relativeTo(tmp.path, slow.tracks.map((t) => t.path)), ['a.mp3', 'sub/b.mp3', 'sub/deeper/c.mp3']);
    assert.deepEqual(relativeTo(tmp.path, sync), [''], 'the first listing was synchronous');
    assert.deepEqual(relativeTo(tmp.path, async_), ['sub', 'sub/deeper']);

    sync.length = 0;
    async_.length = 0;
    const fast = await scanLibrary(tmp.path, { readTags: fakeReader(), fs: listings(0), concurrency: 1 });
    assert.deepEqual(fast.tracks, slow.tracks);
    assert.equal(sync.length, 3, 'fast synchronous listings stay in use');
    assert.deepEqual(async_, []);
  });

  it('reads tags with synchronous calls while they are fast, or never when asked', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 40; i++) files[`album/${i}.mp3`] = mp3File({ title: `T${i}`, track: String(i + 1), cover: i % 2 ? TINY_PNG : undefined });
    writeTree(tmp.path, files);
    const recorded: number[] = [];
    class CountingPacer extends ReadPacer {
      override recordSync(ms: number): void {
        recorded.push(ms);
        super.recordSync(ms);
      }
    }
    const readTags = createTagReader({ detectCovers: true });
    const result = await scanLibrary(tmp.path, { readTags, readPacer: new CountingPacer() });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(
      result.tracks.slice(0, 3).map((t) => [t.tags.title, t.tags.trackNumber, t.tags.hasCover, t.tags.duration! > 0]),
      [['T0', 1, false, true], ['T1', 2, true, true], ['T2', 3, false, true]],
    );
    assert.ok(recorded.length > 0, 'files were read synchronously');

    recorded.length = 0;
    const asyncOnly = await scanLibrary(tmp.path, { readTags, readPacer: new CountingPacer({ asyncOnly: true }) });
    assert.deepEqual(asyncOnly.tracks, result.tracks);
    assert.deepEqual(recorded, [], 'asyncOnly: no synchronous reads');
  });

  it('gives the event loop turns while tag reads complete without waiting (synchronous reads)', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 400; i++) files[`one-big-folder/${i}.mp3`] = new Uint8Array(0);
    writeTree(tmp.path, files);
    // A turn of the event loop is seen through an immediate that re-arms itself; a reader call
    // that finds one happened since the previous call was given a turn. Counting those rather
    // than timing gaps keeps the test steady on a loaded machine (descheduling only adds turns).
    let turned = false;
    let running = true;
    const tick = () => {
      turned = true;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    let readsAfterATurn = 0;
    // Like a synchronous read of a file in memory: work, but never a wait for the event loop.
    const busyReader: TagReader = async () => {
      if (turned) readsAfterATurn++;
      turned = false;
      const until = performance.now() + 0.25;
      while (performance.now() < until) {
        /* busy */
      }
      return { hasCover: false };
    };
    const scan = (sliceMs: number) => scanLibrary(tmp.path, { readTags: busyReader, readPacer: new ReadPacer({ sliceMs }) });
    try {
      assert.equal((await scan(5)).tracks.length, 400);
      // 100 ms of reads in 5 ms slices: about 20 turns (more when the machine is busy).
      assert.ok(readsAfterATurn >= 8, `${readsAfterATurn} reads followed a turn of the event loop`);
      readsAfterATurn = 0;
      await scan(60_000);
      assert.ok(readsAfterATurn <= 3, `without slices, only the first reads follow a turn (${readsAfterATurn})`);
    } finally {
      running = false;
    }
  });

  it('holds back when the consumer is slow (bounded buffering)', async () => {
    for (let i = 0; i < 30; i++) mkdirSync(path.join(tmp.path, `d${i}`));
    for (let i = 0; i < 30; i++) writeFileSync(path.join(tmp.path, `d${i}`, 'x.mp3'), mp3File({}));
    let reads = 0;
    const reader: TagReader = async () => {
      reads++;
      return { hasCover: false };
    };
    const iterator = scanFolders(tmp.path, { readTags: reader, highWaterMark: 2, concurrency: 1 });
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(reads <= 5, `read ${reads} files while the consumer held one result`);
    await iterator.return?.();
  });
});

describe('library/scanner: createScanFilter (for watcher events)', () => {
  it('applies the same hidden, ignore and extension rules as a scan', () => {
    const root = path.resolve('/music');
    const accepts = createScanFilter(root, { ignore: ['demos', '*.tmp.*'], ignoreCaseInsensitive: false });
    assert.equal(accepts(path.join(root, 'a', 'b.mp3')), true);
    assert.equal(accepts(path.join(root, 'a', 'b.txt')), false);
    assert.equal(accepts(path.join(root, '.hidden', 'b.mp3')), false);
    assert.equal(accepts(path.join(root, 'x', 'demos', 'deep', 'b.mp3')), false);
    assert.equal(accepts(path.join(root, 'x', 'b.tmp.mp3')), false);
    assert.equal(accepts(path.resolve('/elsewhere/b.mp3')), false);
    assert.equal(createScanFilter(root, { includeHidden: true })(path.join(root, '.hidden', 'b.mp3')), true);
  });
});

describe('library/tags: files with the wrong extension', () => {
  const tmp = useTempDir();

  it('lets the content decide when the extension names the wrong format', async () => {
    writeTree(tmp.path, {
      'really-flac.mp3': flacFile({ title: 'Flac inside', artist: 'Ä' }, { seconds: 2 }),
      'really-mp3.flac': mp3File({ title: 'MP3 inside' }),
      'really-wav.ogg': wavFile({ title: 'WAV inside' }),
    });
    const result = await scanLibrary(tmp.path);
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(
      result.tracks.map((t) => [path.basename(t.path), t.tags.title, t.tags.codec]),
      [
        ['really-flac.mp3', 'Flac inside', 'FLAC'],
        ['really-mp3.flac', 'MP3 inside', 'MPEG 1 Layer 3'],
        ['really-wav.ogg', 'WAV inside', 'PCM'],
      ],
    );
  });
});
