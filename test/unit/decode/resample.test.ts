import assert from 'node:assert/strict';
import { MemoryByteSource, openDecoder } from '../../../src/decode';
import { Resampler, ResamplingDecoder } from '../../../src/decode/resample';
import { media, mulberry32, readFrames } from './helpers';

function sine(freq: number, rate: number, frames: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: frames }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** Resample in chunks of pseudo-random sizes (1..5000 frames), as a decoder would deliver. */
function resampleChunked(input: Float32Array, inRate: number, outRate: number, seed: number): Float32Array {
  const r = new Resampler(inRate, outRate, 1);
  const random = mulberry32(seed);
  const parts: Float32Array[] = [];
  for (let at = 0; at < input.length; ) {
    const n = Math.min(input.length - at, 1 + Math.floor(random() * 5000));
    parts.push(r.push(at, [input.subarray(at, at + n)])[0]!);
    at += n;
  }
  parts.push(r.flush(Math.round((input.length * outRate) / inRate))[0]!);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Least-squares fit of a sine at `freq` (plus DC); returns the fitted amplitude and the
 * THD+N: everything that is not that sine, relative to it, in dB.
 */
function thdN(x: Float32Array, freq: number, rate: number): { amplitude: number; thdNdb: number } {
  const w = (2 * Math.PI * freq) / rate;
  // Solve the 3x3 normal equations for [sin, cos, 1].
  const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const v = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const b = [Math.sin(w * i), Math.cos(w * i), 1];
    for (let r = 0; r < 3; r++) {
      v[r]! += b[r]! * x[i]!;
      for (let c = 0; c < 3; c++) m[r]![c]! += b[r]! * b[c]!;
    }
  }
  const det = (a: number[][]) =>
    a[0]![0]! * (a[1]![1]! * a[2]![2]! - a[1]![2]! * a[2]![1]!) - a[0]![1]! * (a[1]![0]! * a[2]![2]! - a[1]![2]! * a[2]![0]!) + a[0]![2]! * (a[1]![0]! * a[2]![1]! - a[1]![1]! * a[2]![0]!);
  const d = det(m);
  const coef = [0, 1, 2].map((k) => det(m.map((row, r) => row.map((val, c) => (c === k ? v[r]! : val)))) / d);
  let residual = 0;
  for (let i = 0; i < x.length; i++) {
    const fit = coef[0]! * Math.sin(w * i) + coef[1]! * Math.cos(w * i) + coef[2]!;
    residual += (x[i]! - fit) ** 2;
  }
  const amplitude = Math.hypot(coef[0]!, coef[1]!);
  const signalPower = (amplitude * amplitude) / 2;
  return { amplitude, thdNdb: 10 * Math.log10(residual / x.length / signalPower) };
}

describe('decode: resampling', () => {
  for (const [inRate, outRate] of [
    [44100, 48000],
    [48000, 44100],
    [44100, 96000],
    [22050, 48000],
  ] as const) {
    it(`${inRate} -> ${outRate}: a 1 kHz tone stays a clean 1 kHz tone (THD+N < -90 dB, level within 0.01 dB)`, () => {
      const out = resampleChunked(sine(1000, inRate, inRate * 2), inRate, outRate, 1);
      assert.equal(out.length, outRate * 2);
      // Leave out the filter's start-up and the cut at the end.
      const steady = out.subarray(Math.round(outRate * 0.05), Math.round(outRate * 1.95));
      const { amplitude, thdNdb } = thdN(steady, 1000, outRate);
      if (process.env.PLAYHEAD_VERBOSE) console.log(`      THD+N ${thdNdb.toFixed(1)} dB, level ${(20 * Math.log10(amplitude / 0.5)).toFixed(4)} dB`);
      assert.ok(thdNdb < -90, `THD+N ${thdNdb.toFixed(1)} dB`);
      assert.ok(Math.abs(20 * Math.log10(amplitude / 0.5)) < 0.01, `level ${amplitude}`);
    });
  }

  it('rejects what cannot be represented: a 23 kHz tone at 48 kHz is gone at 44.1 kHz (< -70 dB)', () => {
    const out = resampleChunked(sine(23000, 48000, 48000), 48000, 44100, 2);
    const steady = out.subarray(4410, 44100 - 4410);
    const rms = Math.sqrt(steady.reduce((s, x) => s + x * x, 0) / steady.length);
    assert.ok(20 * Math.log10(rms / (0.5 / Math.SQRT2)) < -70, `alias level ${(20 * Math.log10(rms / 0.354)).toFixed(1)} dB`);
  });

  it('chunk boundaries change nothing: any chunking gives bit-identical output', () => {
    const input = sine(1234.5, 44100, 30000);
    const a = resampleChunked(input, 44100, 48000, 3);
    const b = resampleChunked(input, 44100, 48000, 4);
    const r = new Resampler(44100, 48000, 1);
    const whole = [...r.push(0, [input])[0]!, ...r.flush(Math.round((30000 * 48000) / 44100))[0]!];
    assert.deepEqual(a, b);
    assert.deepEqual(Array.from(a), whole);
  });

  it('ResamplingDecoder: exact length, and a seek gives the same samples as playing through', async () => {
    const decoder = new ResamplingDecoder(await openDecoder(media('tone-wav16.wav')), 48000);
    try {
      assert.equal(decoder.format.totalFrames, 96000);
      const full = await readFrames(decoder, Infinity, 0);
      assert.equal(full[0]!.length, 96000);
      for (const target of [0, 1, 4799, 50000, 95000]) {
        await decoder.seek(target);
        const part = await readFrames(decoder, 500, target);
        for (let c = 0; c < 2; c++) {
          for (let i = 0; i < part[c]!.length; i++) {
            assert.ok(Math.abs(part[c]![i]! - full[c]![target + i]!) < 1e-6, `seek(${target}) frame ${target + i}`);
          }
        }
      }
    } finally {
      decoder.dispose();
    }
  });

  it('works on a source without a known length', async () => {
    // A WAV whose data chunk says 0xFFFFFFFF (a stream being written) still resamples to the end.
    const { readFileSync } = await import('node:fs');
    const bytes = Buffer.from(readFileSync(media('tone-wav8.wav')));
    bytes.writeUInt32LE(0xffffffff, bytes.indexOf('data') + 4);
    const decoder = new ResamplingDecoder(await openDecoder(new MemoryByteSource('x.wav', bytes)), 48000);
    try {
      const pcm = await readFrames(decoder);
      assert.equal(pcm[0]!.length, 48000);
    } finally {
      decoder.dispose();
    }
  });
});
