import * as fs from 'node:fs';

/**
 * Test signals whose every frame can be identified in a capture, and a WAV writer for them.
 *
 * The "counter" signal encodes the frame index i in a stereo frame: left = 1 + i % 30000,
 * right = 1 + floor(i / 30000). No frame is ever (0, 0), so silence the engine inserts (pause,
 * starvation, device priming) is told apart from the track, and a lost, repeated or
 * reordered frame shows as a break in the decoded index sequence.
 */

const BASE = 30000;

export function counterFrame(index: number): [number, number] {
  return [1 + (index % BASE), 1 + Math.floor(index / BASE)];
}

export function counterIndex(left: number, right: number): number {
  return (right - 1) * BASE + (left - 1);
}

/** Interleaved s16 stereo counter signal for frames [first, first + frames). */
export function counterPcm(first: number, frames: number): Int16Array {
  const out = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    const [l, r] = counterFrame(first + i);
    out[i * 2] = l;
    out[i * 2 + 1] = r;
  }
  return out;
}

/** Deterministic full-range noise (no all-zero frame), interleaved, for bit-exact checks. */
export function noisePcm(frames: number, channels: number, seed = 12345): Int16Array {
  const out = new Int16Array(frames * channels);
  let x = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x >>> 16) - 32768;
  }
  for (let f = 0; f < frames; f++) if (out[f * channels] === 0) out[f * channels] = 1;
  return out;
}

export function writeWavS16(file: string, pcm: Int16Array, sampleRate: number, channels: number): void {
  const dataBytes = pcm.length * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  fs.writeFileSync(file, Buffer.concat([header, Buffer.from(pcm.buffer, pcm.byteOffset, dataBytes)]));
}

/** Read a canonical 44-byte-header 16-bit WAV's samples (what the wav sink writes). */
export function readWavS16(file: string): { pcm: Int16Array; sampleRate: number; channels: number } {
  const bytes = fs.readFileSync(file);
  const channels = bytes.readUInt16LE(22);
  const sampleRate = bytes.readUInt32LE(24);
  const dataBytes = bytes.readUInt32LE(40);
  const body = bytes.subarray(44, 44 + dataBytes);
  const copy = Buffer.from(body);
  return { pcm: new Int16Array(copy.buffer, copy.byteOffset, Math.floor(copy.length / 2)), sampleRate, channels };
}

/** A contiguous run of counter indices [start, end). */
export interface Run {
  start: number;
  end: number;
}

/**
 * Decode a stereo counter capture into runs of consecutive frame indices, skipping silent
 * (0, 0) frames. `silentGaps` counts the silent stretches between runs of audio.
 */
export function counterRuns(pcm: Int16Array): { runs: Run[]; silentGapsInside: number } {
  const runs: Run[] = [];
  let current: Run | undefined;
  let silentGapsInside = 0;
  let inSilence = false;
  for (let f = 0; f + 1 < pcm.length; f += 2) {
    const l = pcm[f] as number;
    const r = pcm[f + 1] as number;
    if (l === 0 && r === 0) {
      if (current && !inSilence) inSilence = true;
      continue;
    }
    if (inSilence) {
      silentGapsInside++;
      inSilence = false;
    }
    const index = counterIndex(l, r);
    if (current && index === current.end) {
      current.end++;
    } else {
      current = { start: index, end: index + 1 };
      runs.push(current);
    }
  }
  return { runs, silentGapsInside };
}

/** Index of the first frame that is not all zero, or -1. */
export function firstSoundingFrame(pcm: Int16Array, channels: number): number {
  for (let f = 0; f * channels < pcm.length; f++) {
    for (let c = 0; c < channels; c++) if (pcm[f * channels + c] !== 0) return f;
  }
  return -1;
}
