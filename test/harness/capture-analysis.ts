/**
 * Reading what the speakers "heard": the capture is interleaved s16le stereo at 44.1 kHz.
 * Fixtures are tones of known frequencies, so the dominant frequency of a stretch of capture
 * says which track played, and where the frequency changes says when.
 */
import * as fs from 'node:fs';
import { CAPTURE_CHANNELS, CAPTURE_RATE } from './pulse';

export function readCapture(file: string): Int16Array {
  if (!fs.existsSync(file)) return new Int16Array(0);
  const bytes = fs.readFileSync(file);
  return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
}

export function captureSeconds(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).size / (2 * CAPTURE_CHANNELS * CAPTURE_RATE) : 0;
}

/** RMS of the left channel over [startS, startS + lengthS), in full-scale units (0..1). */
export function rms(samples: Int16Array, startS: number, lengthS: number): number {
  const from = Math.floor(startS * CAPTURE_RATE);
  const to = Math.min(samples.length / CAPTURE_CHANNELS, Math.floor((startS + lengthS) * CAPTURE_RATE));
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i * CAPTURE_CHANNELS]! / 32768) ** 2;
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/** Dominant frequency of the left channel in a window, by counting rising zero crossings. */
export function frequencyAt(samples: Int16Array, startS: number, lengthS: number): number {
  const from = Math.floor(startS * CAPTURE_RATE);
  const to = Math.min(samples.length / CAPTURE_CHANNELS, Math.floor((startS + lengthS) * CAPTURE_RATE));
  let crossings = 0;
  for (let i = from + 1; i < to; i++) {
    if (samples[(i - 1) * CAPTURE_CHANNELS]! < 0 && samples[i * CAPTURE_CHANNELS]! >= 0) crossings++;
  }
  return to > from ? (crossings * CAPTURE_RATE) / (to - from) : 0;
}

/** The frequency of successive windows of the capture from `fromS` on, skipping silence. */
export function frequencyTrack(samples: Int16Array, windowS = 0.1, fromS = 0): { atS: number; hz: number }[] {
  const seconds = samples.length / CAPTURE_CHANNELS / CAPTURE_RATE;
  const track: { atS: number; hz: number }[] = [];
  for (let t = fromS; t + windowS <= seconds; t += windowS) {
    if (rms(samples, t, windowS) > 0.01) track.push({ atS: t, hz: frequencyAt(samples, t, windowS) });
  }
  return track;
}

/**
 * The share (0..1) of the left channel's energy in [startS, startS + lengthS) that lies at
 * `hz` (Goertzel, best of ±2 %). A pure tone gives about 1; the same tone broken by dropouts
 * still gives about its duty cycle; other tones and silence give about 0. Unlike counting
 * zero crossings, it names the tone even when the output stutters.
 */
export function toneShare(samples: Int16Array, startS: number, lengthS: number, hz: number): number {
  const from = Math.floor(startS * CAPTURE_RATE);
  const to = Math.min(samples.length / CAPTURE_CHANNELS, Math.floor((startS + lengthS) * CAPTURE_RATE));
  const n = to - from;
  if (n <= 0) return 0;
  let energy = 0;
  for (let i = from; i < to; i++) energy += (samples[i * CAPTURE_CHANNELS]! / 32768) ** 2;
  if (energy === 0) return 0;
  let best = 0;
  for (const f of [hz * 0.98, hz * 0.99, hz, hz * 1.01, hz * 1.02]) {
    const coefficient = 2 * Math.cos((2 * Math.PI * f) / CAPTURE_RATE);
    let s1 = 0;
    let s2 = 0;
    for (let i = from; i < to; i++) {
      const s0 = samples[i * CAPTURE_CHANNELS]! / 32768 + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    best = Math.max(best, (2 * power) / (n * energy));
  }
  return Math.min(1, best);
}

/**
 * Which of `candidates` (Hz) each stretch of sound from `fromS` on is: every `windowS` window
 * above the silence floor votes for the candidate with the largest tone share, if that share
 * is clear (> 0.5). Seconds per candidate. One long Goertzel over the whole stretch would be
 * diluted by the silence around the sound and cancelled by the phase jump of a dropout; short
 * windows are neither.
 */
export function toneSeconds(samples: Int16Array, fromS: number, candidates: readonly number[], windowS = 0.1): Map<number, number> {
  const seconds = samples.length / CAPTURE_CHANNELS / CAPTURE_RATE;
  const votes = new Map(candidates.map((hz) => [hz, 0]));
  for (let t = fromS; t + windowS <= seconds; t += windowS) {
    if (rms(samples, t, windowS) <= 0.01) continue;
    const shares = candidates.map((hz) => toneShare(samples, t, windowS, hz));
    const best = Math.max(...shares);
    if (best > 0.5) {
      const hz = candidates[shares.indexOf(best)]!;
      votes.set(hz, votes.get(hz)! + windowS);
    }
  }
  return votes;
}

/** Seconds of sound (windows above the silence floor) in the capture from `fromS` on. */
export function soundSeconds(samples: Int16Array, fromS: number, windowS = 0.05): number {
  const seconds = samples.length / CAPTURE_CHANNELS / CAPTURE_RATE;
  let sound = 0;
  for (let t = fromS; t + windowS <= seconds; t += windowS) if (rms(samples, t, windowS) > 0.01) sound += windowS;
  return sound;
}
