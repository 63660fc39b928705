import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MemoryByteSource, openDecoder } from '../../../src/decode';
import { parseMpegHeader } from '../../../src/decode/mp3/frame-header';
import { describeConformance } from './conformance';
import { media, readFrames } from './helpers';

/** The fixture without its LAME/Info frame: an MP3 with nothing to say where the music starts. */
function withoutInfoFrame(file: string): Buffer {
  const bytes = readFileSync(media(file));
  const id3 = bytes.toString('latin1', 0, 3) === 'ID3' ? 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!) : 0;
  const header = parseMpegHeader(bytes, id3);
  assert.ok(header, 'first frame header');
  assert.ok(/Info|Xing/.test(bytes.toString('latin1', id3, id3 + header.size)), 'the first frame is the Info frame');
  return Buffer.concat([bytes.subarray(0, id3), bytes.subarray(id3 + header.size)]);
}

describe('decode: MP3 (CBR and VBR with LAME/Xing gapless info)', () => {
  describeConformance('mp3');

  it('seeks back into the first frames exactly after playing elsewhere (no LAME tag to hide the start)', async () => {
    const bytes = withoutInfoFrame('tone-mp3-cbr.mp3');
    const fresh = await openDecoder(new MemoryByteSource('no-tag.mp3', bytes));
    const want = await readFrames(fresh, 8192, 0);
    fresh.dispose();
    const decoder = await openDecoder(new MemoryByteSource('no-tag.mp3', bytes));
    try {
      for (const target of [1, 0, 700, 1500, 3000]) {
        await decoder.seek(20000);
        await readFrames(decoder, 4096, 20000);
        await decoder.seek(target);
        const got = await readFrames(decoder, 2048, target);
        for (let c = 0; c < got.length; c++) {
          for (let i = 0; i < 2048; i++) assert.equal(got[c]![i], want[c]![target + i], `seek(${target}): channel ${c}, frame ${target + i}`);
        }
      }
    } finally {
      decoder.dispose();
    }
  });
});
