import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decoder } from '../../../src/decode/types';

export const fixtures = join(__dirname, '../../fixtures');
export const media = (file: string) => join(fixtures, 'media', file);

export interface ToneTrack {
  file: string;
  kind: 'tone';
  codec: string;
  frequency: number;
  sampleRate: number;
  channels: number;
  frames: number;
  referenceFrames: number;
  reference: string;
}
export interface GaplessPair {
  kind: 'gapless-pair';
  codec: string;
  sampleRate: number;
  channels: number;
  parts: { file: string; frames: number; referenceFrames: number; reference: string }[];
}
export interface Manifest {
  tracks: (ToneTrack | GaplessPair | { kind: 'tagged'; file: string; codec: string; tags: Record<string, unknown> })[];
}

export const manifest: Manifest = JSON.parse(readFileSync(join(fixtures, 'media/manifest.json'), 'utf8'));
export const tones = (codec: string) => manifest.tracks.filter((t): t is ToneTrack => t.kind === 'tone' && t.codec === codec);
export const gaplessPair = (codec: string) => manifest.tracks.find((t): t is GaplessPair => t.kind === 'gapless-pair' && t.codec === codec)!;

/** ffmpeg's 16-bit decode, read by a parser independent of the decoders under test. */
export interface Reference {
  sampleRate: number;
  channels: Int16Array[];
  frames: number;
}

export function readReference(relative: string): Reference {
  const b = readFileSync(join(fixtures, relative));
  let p = 12;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  while (p + 8 <= b.length) {
    const id = b.toString('latin1', p, p + 4);
    const size = b.readUInt32LE(p + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(p + 10);
      sampleRate = b.readUInt32LE(p + 12);
      bits = b.readUInt16LE(p + 22);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${relative}: reference must be 16-bit`);
      const frames = Math.floor(Math.min(size, b.length - p - 8) / (2 * channels));
      const out = Array.from({ length: channels }, () => new Int16Array(frames));
      for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) out[c]![i] = b.readInt16LE(p + 8 + (i * channels + c) * 2);
      return { sampleRate, channels: out, frames };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error(`${relative}: no data chunk`);
}

/** Same conversion ffmpeg uses for float -> s16: scale by 32768, round, clip. */
export function toInt16(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
}

/** Read `maxFrames` (or everything) from the decoder's current position, checking chunk frame tags. */
export async function readFrames(decoder: Decoder, maxFrames = Infinity, expectFirstFrame?: number): Promise<Float32Array[]> {
  const parts: Float32Array[][] = [];
  let total = 0;
  let next = expectFirstFrame;
  while (total < maxFrames) {
    const chunk = await decoder.read();
    if (!chunk) break;
    if (next !== undefined && chunk.frame !== next) throw new Error(`chunk tagged frame ${chunk.frame}, expected ${next}`);
    const len = chunk.channels[0]!.length;
    for (const ch of chunk.channels) if (ch.length !== len) throw new Error('channels of unequal length in one chunk');
    if (chunk.channels.length !== decoder.format.channels) throw new Error(`chunk has ${chunk.channels.length} channels, format says ${decoder.format.channels}`);
    next = chunk.frame + len;
    // Chunks are borrowed (valid until the next read): keep copies.
    parts.push(chunk.channels.map((c) => c.slice()));
    total += len;
  }
  const frames = Math.min(total, maxFrames);
  return Array.from({ length: decoder.format.channels }, (_, c) => {
    const out = new Float32Array(frames);
    let at = 0;
    for (const p of parts) {
      const src = p[c]!.subarray(0, Math.min(p[c]!.length, frames - at));
      out.set(src, at);
      at += src.length;
      if (at >= frames) break;
    }
    return out;
  });
}

/** Largest |ours - reference| in 16-bit LSBs over `frames` frames from `refStart`, with where it happened. */
export function maxError(ours: Float32Array[], ref: Reference, refStart: number, frames: number): { lsb: number; channel: number; frame: number } {
  let worst = { lsb: 0, channel: -1, frame: -1 };
  for (let c = 0; c < ref.channels.length; c++) {
    const r = ref.channels[c]!;
    const o = ours[c]!;
    for (let i = 0; i < frames; i++) {
      const d = Math.abs(toInt16(o[i]!) - r[refStart + i]!);
      if (d > worst.lsb) worst = { lsb: d, channel: c, frame: refStart + i };
    }
  }
  return worst;
}

/** Deterministic PRNG so a failing seek test names a reproducible position. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
