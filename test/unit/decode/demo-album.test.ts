import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDecoder } from '../../../src/decode';
import { mulberry32, readFrames } from './helpers';

const demo = join(__dirname, '../../../media/demo');

/**
 * Real music-like content (both Vorbis block sizes, FLAC without a SEEKTABLE plus a short
 * last frame, MP3 reservoir use...): every seek must give what a full decode gives.
 * AAC is the exception: ffmpeg's encoder uses perceptual noise substitution, whose noise
 * comes from the decoder's random generator, so it differs after a restart (measured ≤ 6 LSB).
 */
describe('decode: demo album seeks match a full decode', () => {
  for (const file of readdirSync(demo).filter((f) => /\.(mp3|flac|ogg|opus|m4a)$/.test(f))) {
    it(file, async () => {
      const decoder = await openDecoder(join(demo, file));
      try {
        const full = await readFrames(decoder, Infinity, 0);
        const total = full[0]!.length;
        assert.equal(total, decoder.format.totalFrames);
        const limit = file.endsWith('.m4a') ? 8 / 32768 : 1 / 32768;
        // This sequence once crashed libFLAC (a jump into the last frames after earlier jumps).
        const random = mulberry32(5);
        const targets: number[] = [];
        while (targets.length < 20) targets.push(Math.floor(random() * total));
        targets.push(total - 1000, 0, total - 1);
        for (const target of targets) {
          await decoder.seek(target);
          const part = await readFrames(decoder, 1000, target);
          for (let c = 0; c < part.length; c++) {
            for (let i = 0; i < part[c]!.length; i++) {
              const d = Math.abs(part[c]![i]! - full[c]![target + i]!);
              if (d > limit) assert.fail(`seek(${target}): frame ${target + i} differs by ${(d * 32768).toFixed(2)} LSB`);
            }
          }
        }
      } finally {
        decoder.dispose();
      }
    });
  }
});
