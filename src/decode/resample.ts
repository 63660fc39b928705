import { DecodeError, type AudioFormat, type Decoder, type PcmChunk } from './types';

/** Zero crossings of the sinc on each side (at the narrower of the two rates). */
const HALF_TAPS = 24;
/** Kaiser window β: ~90 dB stopband. */
const KAISER_BETA = 9;
const MAX_PHASES = 8192;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * Streaming polyphase windowed-sinc resampler for a rational ratio. The ratio is reduced
 * (44100→48000 = 147/160), so every output sample uses one of `out` exact filter phases, no
 * interpolation between phases, no drift. Output sample k sits at input time k·in/out;
 * chunk boundaries do not change a single output value.
 */
export class Resampler {
  readonly inRate: number;
  readonly outRate: number;
  private readonly up: number; // out / g
  private readonly down: number; // in / g
  private readonly taps: number;
  private readonly half: number;
  private readonly table: Float32Array;
  /** Input history per channel, holding absolute input frames [bufStart, bufStart + length). */
  private buffers: Float32Array[];
  private bufStart: number;
  private inputEnd: number;
  /** Absolute index of the next output frame. */
  private nextOut: number;

  constructor(inRate: number, outRate: number, private readonly channels: number, startOutputFrame = 0) {
    if (!(inRate > 0 && outRate > 0 && Number.isInteger(inRate) && Number.isInteger(outRate))) {
      throw new RangeError(`invalid resampling ${inRate} -> ${outRate}`);
    }
    const g = gcd(inRate, outRate);
    this.inRate = inRate;
    this.outRate = outRate;
    this.up = outRate / g;
    this.down = inRate / g;
    if (this.up > MAX_PHASES) throw new RangeError(`resampling ${inRate} -> ${outRate} needs ${this.up} filter phases`);
    const scale = Math.min(1, outRate / inRate); // lower the cutoff when downsampling
    this.half = Math.ceil(HALF_TAPS / scale);
    this.taps = 2 * this.half;
    this.table = this.buildTable(scale);
    this.nextOut = startOutputFrame;
    // Start the history so the first output has its left half of taps (zeros before frame 0).
    this.bufStart = this.firstInputNeeded(startOutputFrame);
    this.inputEnd = this.bufStart;
    this.buffers = Array.from({ length: channels }, () => new Float32Array(0));
  }

  /** First input frame the output frame `k` reads. */
  firstInputNeeded(k: number): number {
    return Math.floor((k * this.down) / this.up) - this.half + 1;
  }

  /** Input frames from here on are expected next (for a seek: feed from this frame). */
  get expectedInputFrame(): number {
    return this.inputEnd;
  }

  private buildTable(scale: number): Float32Array {
    const cutoff = 0.5 * scale * 0.92; // cycles per input sample, 8% below Nyquist for the transition
    const table = new Float32Array(this.up * this.taps);
    const i0b = besselI0(KAISER_BETA);
    for (let p = 0; p < this.up; p++) {
      const frac = p / this.up;
      let sum = 0;
      for (let i = 0; i < this.taps; i++) {
        const x = frac + this.half - 1 - i; // distance from the output time to input tap i
        const r = x / this.half;
        const window = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0b;
        const arg = 2 * cutoff * x;
        const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        const h = 2 * cutoff * sinc * window;
        table[p * this.taps + i] = h;
        sum += h;
      }
      // Unity DC gain for every phase: no ripple from phase to phase.
      for (let i = 0; i < this.taps; i++) table[p * this.taps + i]! /= sum;
    }
    return table;
  }

  /** Add input frames starting at absolute input frame `frame`; return what can be output now. */
  push(frame: number, data: readonly Float32Array[]): Float32Array[] {
    const length = data[0]?.length ?? 0;
    // Drop input before what we need; zero-fill a gap before it (the track's start).
    let src = data;
    let at = frame;
    if (at > this.inputEnd) {
      this.append(Array.from({ length: this.channels }, () => new Float32Array(at - this.inputEnd)));
    } else if (at < this.inputEnd) {
      const skip = Math.min(length, this.inputEnd - at);
      src = data.map((c) => c.subarray(skip));
      at += skip;
    }
    if (src[0] && src[0].length) this.append(src);
    return this.produce();
  }

  /** End of input: pad with zeros and return the tail, up to output frame `endOut`. */
  flush(endOut: number): Float32Array[] {
    const need = this.firstInputNeeded(endOut - 1) + this.taps - this.inputEnd;
    if (need > 0) this.append(Array.from({ length: this.channels }, () => new Float32Array(need)));
    return this.produce(endOut);
  }

  get nextOutputFrame(): number {
    return this.nextOut;
  }

  private append(data: readonly Float32Array[]): void {
    const keepFrom = Math.max(this.bufStart, this.firstInputNeeded(this.nextOut));
    const drop = keepFrom - this.bufStart;
    this.buffers = this.buffers.map((old, c) => {
      const add = data[c] ?? data[0]!;
      const next = new Float32Array(old.length - drop + add.length);
      next.set(old.subarray(drop), 0);
      next.set(add, old.length - drop);
      return next;
    });
    this.bufStart = keepFrom;
    this.inputEnd += data[0]!.length;
  }

  private produce(endOut = Infinity): Float32Array[] {
    // Output k is computable when its last tap (n + half) is in the buffer.
    let count = 0;
    for (;;) {
      const k = this.nextOut + count;
      if (k >= endOut) break;
      const lastTap = this.firstInputNeeded(k) + this.taps - 1;
      if (lastTap >= this.inputEnd) break;
      count++;
    }
    const out = Array.from({ length: this.channels }, () => new Float32Array(count));
    const { table, taps, up, down } = this;
    for (let j = 0; j < count; j++) {
      const k = this.nextOut + j;
      const n = Math.floor((k * down) / up);
      const phase = k * down - n * up;
      const base = n - this.half + 1 - this.bufStart;
      const t0 = phase * taps;
      for (let c = 0; c < this.channels; c++) {
        const buf = this.buffers[c]!;
        let acc = 0;
        for (let i = 0; i < taps; i++) acc += buf[base + i]! * table[t0 + i]!;
        out[c]![j] = acc;
      }
    }
    this.nextOut += count;
    return out;
  }
}

/**
 * A Decoder that resamples another to `outRate`: what the engine uses when the device cannot
 * run at the track's rate. seek() restarts the inner decoder early enough to fill the filter,
 * so a seek gives the same samples as playing through.
 */
export class ResamplingDecoder implements Decoder {
  readonly format: AudioFormat;
  private resampler: Resampler;
  private inputDone = false;
  private readonly endOut: number | undefined;

  constructor(
    private readonly inner: Decoder,
    private readonly outRate: number,
  ) {
    const f = inner.format;
    this.endOut = f.totalFrames === undefined ? undefined : Math.round((f.totalFrames * outRate) / f.sampleRate);
    this.format = { ...f, sampleRate: outRate, totalFrames: this.endOut };
    this.resampler = new Resampler(f.sampleRate, outRate, f.channels);
  }

  async read(): Promise<PcmChunk | null> {
    for (;;) {
      const start = this.resampler.nextOutputFrame;
      if (this.endOut !== undefined && start >= this.endOut) return null;
      if (this.inputDone) {
        const end = this.endOut ?? this.finalOutputFrame();
        const tail = this.resampler.flush(end);
        return tail[0]!.length ? { frame: start, channels: tail } : null;
      }
      const chunk = await this.inner.read();
      if (!chunk) {
        this.inputDone = true;
        continue;
      }
      let out = this.resampler.push(chunk.frame, chunk.channels);
      if (this.endOut !== undefined && start + out[0]!.length > this.endOut) out = out.map((c) => c.subarray(0, this.endOut! - start));
      if (out[0]!.length) return { frame: start, channels: out };
    }
  }

  private finalOutputFrame(): number {
    return Math.round((this.resampler.expectedInputFrame * this.outRate) / this.inner.format.sampleRate);
  }

  async seek(frame: number): Promise<void> {
    const target = Math.max(0, Math.floor(frame));
    this.resampler = new Resampler(this.inner.format.sampleRate, this.outRate, this.inner.format.channels, target);
    this.inputDone = false;
    await this.inner.seek(Math.max(0, this.resampler.expectedInputFrame));
  }

  dispose(): void {
    this.inner.dispose();
  }
}

export function assertResamplable(inRate: number, outRate: number): void {
  try {
    new Resampler(inRate, outRate, 1);
  } catch (error) {
    throw new DecodeError('unsupported', (error as Error).message);
  }
}
