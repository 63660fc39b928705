import assert from 'node:assert/strict';
import { openDecoder } from '../../../src/decode';
import { maxError, media, mulberry32, readFrames, readReference, tones, type Reference, type ToneTrack } from './helpers';

export interface ConformanceOptions {
  /** Allowed difference to ffmpeg's decode, in 16-bit LSBs (the issue asks for 1). */
  toleranceLsb?: number;
  /** Allowed difference right after a seek, when the codec cannot converge exactly. */
  seekToleranceLsb?: number;
  seeks?: number;
  /**
   * A looser bound for the first and last `frames` of the track, where a codec
   * implementation differs from ffmpeg's around the onset and cut-off transients (not in
   * where samples are placed: a one-frame offset gives errors in the thousands).
   */
  edges?: Edges;
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
  const edges = options.edges ?? { frames: 0, toleranceLsb: tolerance };
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
          checkSpan(pcm, ref, 0, track.frames, track.frames, tolerance, edges, 'full decode');
        } finally {
          decoder.dispose();
        }
      });

      it(`lands exactly on the reference after ${seeks} random seeks`, async () => {
        await checkSeeks(track, seeks, seekTolerance, edges);
      });
    });
  }
}

export async function checkSeeks(
  track: ToneTrack,
  seeks: number,
  tolerance: number,
  edges: Edges = { frames: 0, toleranceLsb: tolerance },
): Promise<void> {
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
      checkSpan(pcm, ref, target, want, track.frames, tolerance, edges, `after seek(${target})`);
    }
  } finally {
    decoder.dispose();
  }
}

export interface Edges {
  frames: number;
  toleranceLsb: number;
}

/** Compare `length` frames from track frame `start`; the track's edges get the edge tolerance. */
function checkSpan(
  pcm: Float32Array[],
  ref: Reference,
  start: number,
  length: number,
  total: number,
  tolerance: number,
  edges: Edges,
  what: string,
): void {
  const headEnd = Math.min(length, Math.max(0, edges.frames - start));
  const tailStart = Math.max(headEnd, Math.min(length, total - edges.frames - start));
  const parts: [number, number, number][] = [
    [0, headEnd, edges.toleranceLsb],
    [headEnd, tailStart, tolerance],
    [tailStart, length, edges.toleranceLsb],
  ];
  for (const [from, to, limit] of parts) {
    if (to <= from) continue;
    const err = maxError(pcm.map((c) => c.subarray(from, to)), ref, start + from, to - from);
    assert.ok(err.lsb <= limit, `${what}: error ${err.lsb} LSB (limit ${limit}) at frame ${err.frame} channel ${err.channel}`);
  }
}
