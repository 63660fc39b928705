import assert from 'node:assert/strict';
import { openDecoder } from '../../../src/decode';
import { maxError, media, mulberry32, readFrames, readReference, tones, type ToneTrack } from './helpers';

export interface ConformanceOptions {
  /** Allowed difference to ffmpeg's decode, in 16-bit LSBs (the issue asks for 1). */
  toleranceLsb?: number;
  /** Allowed difference right after a seek, when the codec cannot converge exactly. */
  seekToleranceLsb?: number;
  seeks?: number;
}

/**
 * The same checks for every format: format fields, full decode against ffmpeg's reference
 * (length exact, samples within tolerance), and random seeks that must land on exactly the
 * reference's samples.
 */
export function describeConformance(codec: string, options: ConformanceOptions = {}): void {
  const tolerance = options.toleranceLsb ?? 1;
  const seekTolerance = options.seekToleranceLsb ?? tolerance;
  const seeks = options.seeks ?? 50;
  for (const track of tones(codec)) {
    describe(`${track.file} (${track.frequency} Hz ${codec})`, () => {
      it('reports the format', async () => {
        const decoder = await openDecoder(media(track.file));
        try {
          assert.equal(decoder.format.codec, codec);
          assert.equal(decoder.format.sampleRate, track.sampleRate);
          assert.equal(decoder.format.channels, track.channels);
          assert.equal(decoder.format.totalFrames, track.frames);
        } finally {
          decoder.dispose();
        }
      });

      it(`decodes fully to the reference within ±${tolerance} LSB, with the exact length`, async () => {
        const ref = readReference(track.reference);
        const decoder = await openDecoder(media(track.file));
        try {
          const pcm = await readFrames(decoder, Infinity, 0);
          assert.equal(pcm[0]!.length, track.frames, 'decoded length');
          const err = maxError(pcm, ref, 0, track.frames);
          assert.ok(err.lsb <= tolerance, `max error ${err.lsb} LSB at frame ${err.frame} channel ${err.channel}`);
        } finally {
          decoder.dispose();
        }
      });

      it(`lands exactly on the reference after ${seeks} random seeks`, async () => {
        await checkSeeks(track, seeks, seekTolerance);
      });
    });
  }
}

export async function checkSeeks(track: ToneTrack, seeks: number, tolerance: number): Promise<void> {
  const ref = readReference(track.reference);
  const random = mulberry32(track.frequency * 1000);
  const decoder = await openDecoder(media(track.file));
  try {
    // Include the edges: frame 0, the last frame, and the end itself.
    const targets = [0, track.frames - 1, track.frames];
    while (targets.length < seeks) targets.push(Math.floor(random() * track.frames));
    for (const target of targets) {
      await decoder.seek(target);
      const want = Math.min(2048, track.frames - target);
      const pcm = await readFrames(decoder, want, target);
      assert.equal(pcm[0]!.length, want, `frames read after seek(${target})`);
      const err = maxError(pcm, ref, target, want);
      assert.ok(err.lsb <= tolerance, `after seek(${target}): error ${err.lsb} LSB at frame ${err.frame} channel ${err.channel}`);
    }
  } finally {
    decoder.dispose();
  }
}
