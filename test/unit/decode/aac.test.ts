import assert from 'node:assert/strict';
import { FileByteSource } from '../../../src/decode';
import { Mp4Decoder } from '../../../src/decode/mp4/decoder';
import { describeConformance } from './conformance';
import { media, readFrames, tones } from './helpers';

describe('decode: M4A/AAC (moov at start and at end, edit-list gapless)', () => {
  // FAAD2 (ours) and ffmpeg's AAC decoder differ around the onset and cut-off transients:
  // up to ~40 LSB (measured 37) in the first and last three access units. Sample placement is
  // exact (a one-frame offset gives errors in the thousands) and everything between is ±1 LSB.
  describeConformance('aac', { edges: { frames: 3072, toleranceLsb: 64 } });

  it("falls back to @audio/decode-aac's own decode() with the same samples when its internals do not fit", async () => {
    const file = media(tones('aac')[0]!.file);
    const direct = await Mp4Decoder.open(await FileByteSource.open(file));
    const fallback = await Mp4Decoder.open(await FileByteSource.open(file));
    try {
      // A gapless window that trims nothing: decode() is unchanged by it, aacDecodeInto refuses it.
      const wasm = (fallback as unknown as { wasm: { _gap: unknown; decode(units: Uint8Array[]): unknown } }).wasm;
      wasm._gap = { skip: 0, left: null };
      let calls = 0;
      const decode = wasm.decode.bind(wasm);
      wasm.decode = (units) => (calls++, decode(units));
      const a = await readFrames(direct);
      const b = await readFrames(fallback);
      assert.ok(calls > 0, 'the fallback ran');
      assert.equal(b[0]!.length, a[0]!.length);
      for (let c = 0; c < a.length; c++) assert.ok(Buffer.from(a[c]!.buffer).equals(Buffer.from(b[c]!.buffer)), `channel ${c}`);
    } finally {
      direct.dispose();
      fallback.dispose();
    }
  });
});
