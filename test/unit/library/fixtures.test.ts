import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { scanLibrary } from '../../../src/library/scanner';
import { readdirSync } from 'node:fs';
import { parseFile } from 'music-metadata';
import { ReadPacer } from '../../../src/library/read-pacer';
import { createTagReader, parseTags, readCover } from '../../../src/library/tags';
import { flacFile, mp3File, TINY_PNG } from '../../../bench/lib/tagged-files';
import { useTempDir, writeTree } from './helpers';

const media = path.resolve(__dirname, '../../fixtures/media');
const manifestPath = path.join(media, 'manifest.json');

interface TaggedFixture {
  file: string;
  kind: string;
  tags: { artist: string; title: string; album: string; track: { no: number; of: number }; disk: { no: number; of: number }; year: number; genre: string };
  cover: string | null;
}

/** Files made by ffmpeg (test/fixtures/generate.mjs), not by our own writer: a second opinion. */
describe('library: the shared media fixtures', () => {
  before(function () {
    if (!existsSync(manifestPath)) this.skip();
  });

  it('reads the tagged fixtures as the manifest describes, covers included', async () => {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { tracks: TaggedFixture[]; broken: { file: string; expect: string }[] };
    const result = await scanLibrary(media, { readTags: createTagReader({ detectCovers: true }) });
    const tagged = manifest.tracks.filter((t) => t.kind === 'tagged');
    assert.ok(tagged.length >= 3);
    for (const fixture of tagged) {
      const track = result.tracks.find((t) => path.basename(t.path) === fixture.file);
      assert.ok(track, `${fixture.file} was scanned`);
      const { tags } = track;
      assert.deepEqual(
        [tags.artist, tags.title, tags.album, tags.trackNumber, tags.trackTotal, tags.discNumber, tags.discTotal, tags.year, tags.genre],
        [fixture.tags.artist, fixture.tags.title, fixture.tags.album, fixture.tags.track.no, fixture.tags.track.of, fixture.tags.disk.no, fixture.tags.disk.of, fixture.tags.year, [fixture.tags.genre]],
        fixture.file,
      );
      assert.equal(tags.hasCover, fixture.cover !== null, `${fixture.file} cover`);
      if (fixture.cover) {
        const cover = await readCover(track.path);
        assert.deepEqual(Buffer.from(cover!.data), readFileSync(path.join(media, fixture.cover)), `${fixture.file} cover bytes`);
      }
    }
    // Files with no audio at all are skipped with a reason; the scan itself succeeds.
    const skipped = new Map(result.skipped.map((s) => [path.basename(s.path), s]));
    for (const name of ['empty.mp3', 'random-bytes.flac']) {
      assert.equal(skipped.get(name)?.kind, 'unreadable-file', name);
    }
    assert.equal(skipped.get('manifest.json')?.kind, 'unsupported');
    // An Ogg file named .mp3: its content decides, as in the decoder.
    const mislabelled = result.tracks.find((t) => path.basename(t.path) === 'mislabelled-ogg.mp3');
    if (mislabelled) assert.match(mislabelled.tags.codec ?? '', /vorbis/i);
  });

  it('parses every fixture exactly as music-metadata parseFile does (block tokenizer is transparent)', async () => {
    const audio = readdirSync(media).filter((n) => /\.(mp3|flac|ogg|opus|wav|m4a)$/.test(n));
    assert.ok(audio.length > 10);
    for (const name of audio) {
      const file = path.join(media, name);
      for (const options of [{ skipCovers: true }, { skipCovers: false }]) {
        const expected = await parseFile(file, options).then((m) => ({ common: m.common, format: m.format, native: m.native }), (e: Error) => e.message);
        for (const pacer of [undefined, new ReadPacer()]) {
          const actual = await parseTags(file, options, { pacer }).then((m) => ({ common: m.common, format: m.format, native: m.native }), (e: Error) => e.message);
          assert.deepEqual(actual, expected, `${name}${pacer ? ' (synchronous reads)' : ''}`);
        }
      }
    }
  });
});

describe('library: block tokenizer on files larger than its blocks', () => {
  const tmp = useTempDir();

  it('gives the same metadata as parseFile when tags, covers and audio span several 64 KiB blocks', async () => {
    const bigCover = Buffer.alloc(200_000);
    for (let i = 0; i < bigCover.length; i++) bigCover[i] = (i * 31) & 0xff;
    const longTitle = 'Ünïcødé '.repeat(9000); // ~72 KB of text: a tag frame across a block edge
    const files: Record<string, Uint8Array> = {
      'big-cover.mp3': mp3File({ title: 'Big', artist: 'Ä', cover: bigCover }, { frames: 400 }),
      'long-title.mp3': mp3File({ title: longTitle, cover: TINY_PNG }, { frames: 300 }),
      'big-cover.flac': flacFile({ title: 'Big', cover: bigCover }),
      'just-over-a-block.mp3': mp3File({ title: 'x' }, { frames: 158 }),
      // Read from the tail on its own (the last 4 KiB): an ID3v1 tag after 160 KB of frames.
      'id3v1-at-the-end.mp3': Buffer.concat([mp3File({}, { frames: 400 }), id3v1('Tail title', 'Tail artist')]),
    };
    writeTree(tmp.path, files);
    for (const name of Object.keys(files)) {
      const file = path.join(tmp.path, name);
      for (const options of [{ skipCovers: true }, { skipCovers: false }]) {
        const expected = await parseFile(file, options);
        for (const pacer of [undefined, new ReadPacer()]) {
          const actual = await parseTags(file, options, { pacer });
          assert.deepEqual({ common: actual.common, format: actual.format }, { common: expected.common, format: expected.format }, `${name} ${JSON.stringify(options)}${pacer ? ' sync' : ''}`);
        }
      }
    }
    const tail = await parseTags(path.join(tmp.path, 'id3v1-at-the-end.mp3'), { duration: false }, { pacer: new ReadPacer() });
    assert.deepEqual([tail.common.title, tail.common.artist], ['Tail title', 'Tail artist']);
    const cover = await readCover(path.join(tmp.path, 'big-cover.mp3'));
    assert.deepEqual(Buffer.from(cover!.data), bigCover);
  });
});

describe('library: block tokenizer with synchronous reads', () => {
  const tmp = useTempDir();

  it('fails at once, without blocking, on a FIFO that replaced a file after the stat', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(tmp.path, 'was-a-file.mp3');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(parseTags(fifo, {}, { size: 100_000, pacer: new ReadPacer() }));
  });
});

/** An ID3v1 tag (the last 128 bytes of an MP3). */
function id3v1(title: string, artist: string): Buffer {
  const tag = Buffer.alloc(128);
  tag.write('TAG', 0, 'latin1');
  tag.write(title, 3, 30, 'latin1');
  tag.write(artist, 33, 30, 'latin1');
  tag[127] = 255; // no genre
  return tag;
}
