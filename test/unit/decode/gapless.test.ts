import assert from 'node:assert/strict';
import { openDecoder } from '../../../src/decode';
import { gaplessPair, maxError, media, readFrames, readReference } from './helpers';

/**
 * One continuous sine split into two files at a point that is no codec's frame multiple.
 * Decoded back to back, the two must give exactly the original length and no seam: a gap or
 * overlap of even one sample shifts the phase by 2π·f/rate, an error of ≥ 0.07 at 1 kHz.
 */
for (const codec of ['wav', 'flac', 'mp3', 'opus']) {
  describe(`decode: gapless ${codec} pair`, () => {
    const pair = gaplessPair(codec);

    it('each part has exactly its source length and matches its reference', async () => {
      for (const part of pair.parts) {
        const decoder = await openDecoder(media(part.file));
        try {
          assert.equal(decoder.format.totalFrames, part.frames, `${part.file} totalFrames`);
          const pcm = await readFrames(decoder, Infinity, 0);
          assert.equal(pcm[0]!.length, part.frames, `${part.file} decoded length`);
          const ref = readReference(part.reference);
          // Lossy codecs may differ from the reference right at the cut (see aac.test.ts).
          const err = maxError(pcm, ref, 0, Math.min(part.frames, ref.frames));
          assert.ok(err.lsb <= 1, `${part.file}: ${err.lsb} LSB at ${err.frame}`);
        } finally {
          decoder.dispose();
        }
      }
    });

    it('joins without a seam: the concatenation follows the original sine across the join', async () => {
      const joined: number[] = [];
      for (const part of pair.parts) {
        const decoder = await openDecoder(media(part.file));
        try {
          joined.push(...(await readFrames(decoder))[0]!);
        } finally {
          decoder.dispose();
        }
      }
      const join = pair.parts[0]!.frames;
      assert.equal(joined.length, join + pair.parts[1]!.frames);
      const lossless = codec === 'wav' || codec === 'flac';
      if (lossless) {
        let worst = 0;
        for (let i = join - 256; i < join + 256; i++) {
          const ideal = 0.5 * Math.sin((2 * Math.PI * 1046.5 * i) / pair.sampleRate);
          worst = Math.max(worst, Math.abs(joined[i]! - ideal));
        }
        assert.ok(worst <= 1 / 32768 + 1e-9, `deviation from the sine around the join: ${worst}`);
      }
      // Timing of each side of the join, from the phase of the sine fitted over a stretch just
      // before and just after it (lossy coders smear the cut itself, but keep phase): a gap or
      // overlap of one sample would show as a 1-sample offset.
      const omega = (2 * Math.PI * 1046.5) / pair.sampleRate;
      for (const [from, to] of [
        [join - 8192, join - 2048],
        [join + 2048, join + 8192],
      ] as const) {
        let s = 0;
        let c = 0;
        for (let i = from; i < to; i++) {
          s += joined[i]! * Math.sin(omega * i);
          c += joined[i]! * Math.cos(omega * i);
        }
        const offsetSamples = Math.atan2(-c, s) / omega;
        assert.ok(Math.abs(offsetSamples) < 0.05, `frames ${from}-${to}: timing off by ${offsetSamples.toFixed(3)} samples`);
      }
    });
  });
}
