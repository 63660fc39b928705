import { ReadAhead } from '../byte-source';
import { fitChannels, PcmQueue } from '../pcm-queue';
import { PlanarBuffer } from '../planar-buffer';
import { DecodeError, type AudioFormat, type ByteSource, type Decoder, type PcmChunk } from '../types';
import { aacDecodeInto, createAacWasm, type SyncAudioDecoder } from '../wasm';
import { parseAudioTrack, readMoov, type Mp4AudioTrack } from './demux';

/** 8 units are one chunk of 8192 frames (two with SBR): the output buffer stays small and warm in cache. */
const UNITS_PER_STEP = 8;
/** Bytes read at once (~2.7 s at 192 kbit/s): one file read per ~15 steps, not each. */
const READ_AHEAD = 64 * 1024;
/** Access units decoded before a seek target: FAAD2 withholds the first one, and the one after
 * needs its predecessor's overlap. Two more than strictly needed, for safety. */
const PREROLL_UNITS = 3;

/**
 * M4A/MP4 with AAC, demuxed here from the sample tables (stsz/stsc/stco/stts) whether the
 * moov box is at the start or the end, and decoded access unit by access unit with FAAD2
 * (@audio/decode-aac in raw mode). Gapless trimming (edit list or iTunSMPB) and seeking are
 * ours. FAAD2 withholds its first decoded unit, so after (re)starting at unit s the output
 * begins at the start time of unit s + 1. Units are read through a reused read-ahead block and
 * decoded into one reused output buffer (aacDecodeInto), whose views read() hands out.
 */
export class Mp4Decoder implements Decoder {
  readonly format: AudioFormat;
  private readonly queue: PcmQueue;
  private readonly scale: number;
  private nextUnit = 0;
  /** The chunk holding nextUnit and its file offset. */
  private unitChunk = 0;
  private unitOffset = 0;
  /** Track frame where the next output sample belongs. */
  private outPos = 0;
  private disposed = false;
  /** No unit fed to the codec since it was created: its first gives no output, and no error. */
  private fresh = true;
  /** A damaged access unit met while decoding ahead: thrown when playback reaches it. */
  private damage: DecodeError | undefined;
  /** FAAD2's input is copied into the wasm heap, so views of a reused block are safe to hand it. */
  private readonly readAhead: ReadAhead;
  private readonly out: PlanarBuffer;

  private constructor(
    private readonly source: ByteSource,
    private readonly track: Mp4AudioTrack,
    private wasm: SyncAudioDecoder,
    sampleRate: number,
    channels: number,
  ) {
    this.scale = sampleRate / track.timescale;
    const total = track.duration === undefined ? undefined : Math.round(track.duration * this.scale);
    this.format = { codec: 'aac', sampleRate, channels, totalFrames: total, bitsPerSample: undefined, lossless: false };
    this.queue = new PcmQueue(channels, total);
    this.readAhead = new ReadAhead(source, READ_AHEAD);
    this.out = new PlanarBuffer(channels, UNITS_PER_STEP * 1024);
    this.restartAt(0);
  }

  static async open(source: ByteSource): Promise<Mp4Decoder> {
    const track = parseAudioTrack(await readMoov(source), source.uri);
    if (track.sizes.length === 0) throw new DecodeError('corrupt', `${source.uri}: MP4 audio track has no samples`);
    const { sampleRate, channels } = ascInfo(track.asc, track.channels);
    const wasm = await createAacWasm(track.asc);
    return new Mp4Decoder(source, track, wasm, sampleRate, channels);
  }

  async read(): Promise<PcmChunk | null> {
    this.assertLive();
    for (;;) {
      const chunk = this.queue.take();
      if (chunk) return chunk;
      if (this.damage) {
        // Reported once, when playback reaches it; the stream ends there.
        const error = this.damage;
        this.damage = undefined;
        this.nextUnit = this.track.sizes.length;
        throw error;
      }
      if (this.nextUnit >= this.track.sizes.length) return null;
      await this.decodeStep();
    }
  }

  private async decodeStep(): Promise<void> {
    const { chunks, sizes } = this.track;
    const first = this.nextUnit;
    const start = this.unitOffset;
    // A run of units that lie back to back in the file (in a chunk, or in chunks that follow
    // on): one piece of the read-ahead block. `chunk` and `at` follow unit `last`.
    let last = first;
    let chunk = this.unitChunk;
    let end = start;
    let at: number;
    do {
      end += sizes[last++]!;
      const next = chunks.chunkAfter(chunk, last);
      at = next === chunk ? end : chunks.offset(next);
      chunk = next;
    } while (last < sizes.length && last - first < UNITS_PER_STEP && at === end);
    const length = end - start;
    const bytes = await this.readAhead.bytes(start, start + length);
    if (bytes.length < length) {
      throw new DecodeError('truncated', `${this.source.uri}: MP4 data ends at byte ${start + bytes.length}, inside access unit ${first}`, {
        byte: start + bytes.length,
        frame: this.outPos,
      });
    }
    // The queue is empty (read() decodes only then), so the buffer its last chunk viewed is free.
    const out = this.out;
    out.frames = 0;
    let decodedTo: number;
    try {
      decodedTo = aacDecodeInto(this.wasm, bytes, sizes, first, last, out, this.fresh) ?? this.decodeWithLibrary(bytes, first, last);
      this.fresh = false;
    } catch (error) {
      throw new DecodeError('corrupt', `${this.source.uri}: AAC decode failed between bytes ${start} and ${start + length} (units ${first}-${last - 1}): ${(error as Error).message}`, {
        byte: start,
        frame: this.outPos,
      });
    }
    if (out.frames > 0) this.outPos = this.queue.push(this.outPos, out.filled());
    if (decodedTo < last) {
      let byte = start;
      for (let u = first; u < decodedTo; u++) byte += sizes[u]!;
      this.damage = new DecodeError('corrupt', `${this.source.uri}: AAC access unit ${decodedTo} at byte ${byte} cannot be decoded (damaged data)`, {
        byte,
        frame: this.outPos,
      });
    }
    this.nextUnit = last;
    this.unitChunk = chunk;
    this.unitOffset = at;
  }

  /** The library's own decode, when aacDecodeInto cannot reach its internals: into `out` too.
   * It skips units FAAD2 rejects without saying which: a run with one ends at its first unit. */
  private decodeWithLibrary(bytes: Uint8Array, first: number, last: number): number {
    const { sizes } = this.track;
    const units = [];
    for (let u = first, at = 0; u < last; at += sizes[u++]!) units.push(bytes.subarray(at, at + sizes[u]!));
    // One call per run of units; FAAD2's output is contiguous, so only the total matters.
    const decoded = this.wasm.decode(units) as { channelData: Float32Array[]; errors?: number };
    // It counts a fresh codec's silent first unit as an error too.
    if ((decoded.errors ?? 0) > (this.fresh ? 1 : 0)) return first;
    const frames = decoded.channelData[0]?.length ?? 0;
    if (frames === 0) return last;
    const channels = fitChannels(decoded.channelData, this.format.channels);
    this.out.reserve(frames);
    channels.forEach((c, i) => this.out.channels[i]!.set(c));
    this.out.frames = frames;
    return last;
  }

  async seek(frame: number): Promise<void> {
    this.assertLive();
    const total = this.format.totalFrames ?? Number.MAX_SAFE_INTEGER;
    const target = Math.max(0, Math.min(Math.floor(frame), total));
    this.queue.reset(target);
    this.damage = undefined;
    const mediaTarget = target / this.scale + this.track.priming;
    const unit = this.track.times.unitAt(mediaTarget);
    this.wasm.free();
    this.wasm = await createAacWasm(this.track.asc);
    this.restartAt(target >= total ? this.track.sizes.length : Math.max(0, unit - PREROLL_UNITS));
  }

  private restartAt(unit: number): void {
    this.nextUnit = unit;
    this.fresh = true;
    this.unitChunk = this.track.chunks.chunkOf(unit);
    this.unitOffset = this.track.chunks.offsetOf(unit, this.unitChunk);
    const { times } = this.track;
    // FAAD2's first output after a restart belongs to the unit after the first one fed.
    this.outPos = Math.round((times.start(Math.min(unit + 1, times.units)) - this.track.priming) * this.scale);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.wasm.free();
    } finally {
      this.source.dispose();
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new DecodeError('io', `${this.source.uri}: decoder used after dispose`);
  }
}

const ASC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** Output rate and channels from the AudioSpecificConfig (SBR/PS signalled explicitly doubles the rate). */
function ascInfo(asc: Uint8Array, fallbackChannels: number): { sampleRate: number; channels: number } {
  const objectType = asc[0]! >> 3;
  const rateIndex = ((asc[0]! & 7) << 1) | (asc[1]! >> 7);
  let sampleRate = ASC_RATES[rateIndex] ?? 44100;
  let channels = (asc[1]! >> 3) & 15 || fallbackChannels;
  if (objectType === 5 || objectType === 29) {
    const extIndex = ((asc[1]! & 7) << 1) | (asc[2]! >> 7);
    sampleRate = ASC_RATES[extIndex] ?? sampleRate * 2;
    if (objectType === 29) channels = 2;
  }
  return { sampleRate, channels };
}
