import { PcmQueue } from '../pcm-queue';
import { DecodeError, type AudioFormat, type ByteSource, type Decoder, type PcmChunk } from '../types';
import { createOpusCodec, createVorbisCodec, headerPacketCount, identifyOggCodec, type OggCodec } from './codecs';
import { findPage, PacketAssembler, type OggPage } from './page';
import { OggPageReader } from './page-reader';

const WINDOW = 80 * 1024;

/**
 * Ogg Vorbis and Ogg Opus. We read pages and assemble packets ourselves and hand packets to
 * the codec, which lets a seek restart anywhere: bisect on page granule positions to the
 * last page ending at or before (target − pre-roll), restart the codec (headers are kept),
 * decode from that page and drop output before the target.
 *
 * Timeline: from the start of the stream, output begins at granule 0 (Opus: minus pre-skip).
 * After a seek, a page's granule position is the sample count at the end of the last packet
 * completed on it, so the codec's output for the first page ends exactly there (the seek
 * never restarts on the last page, whose granule is cut short); from then on output is
 * contiguous. The end is trimmed to the last granule.
 */
export class OggDecoder implements Decoder {
  readonly format: AudioFormat;
  private readonly queue: PcmQueue;
  private readonly packets = new PacketAssembler();
  private reader: OggPageReader;
  /** Track frame where the next output begins, once aligned. */
  private outPos: number | undefined;
  private pending: Float32Array[][] = [];
  private atEnd = false;
  private reportedShort = false;
  private lastByte = 0;
  private disposed = false;
  /** Granule of the last page decoded since the (re)start: where the next packet begins. */
  private prevGranule: number | undefined;
  /** Vorbis seek state: block size of the last packet passed over, a packet kept to prime the
   * codec, and whether the codec has been fed since the restart. */
  private prevBlock: number | undefined;
  private primer: Uint8Array | undefined;
  private vorbisFed = false;
  /** Packets ending at or before this granule are not decoded (before the seek's pre-roll). */
  private skipBefore = -Infinity;
  /** The last page's granule (from open), an upper bound for seek interpolation. */
  private lastGranuleSeen: number | undefined;

  private constructor(
    private readonly source: ByteSource,
    private readonly codec: OggCodec,
    private readonly serial: number,
    private readonly dataStart: number,
    totalFrames: number | undefined,
  ) {
    this.format = {
      codec: codec.codec,
      sampleRate: codec.sampleRate,
      channels: codec.channels,
      totalFrames,
      bitsPerSample: undefined,
      lossless: false,
    };
    this.queue = new PcmQueue(codec.channels, totalFrames);
    this.reader = new OggPageReader(source, dataStart, serial);
    this.outPos = this.startPosition(dataStart);
    this.lastGranuleSeen = totalFrames === undefined ? undefined : totalFrames + codec.granuleOffset;
  }

  /**
   * Where output begins when decoding starts at the page at `offset`. At the start of the
   * stream it is granule 0 (minus the pre-skip): this must not wait for the first page's
   * granule, because that page may also be the last one, whose granule is cut short.
   * Elsewhere it is unknown until the first page with a granule (see decodePage).
   */
  private startPosition(offset: number): number | undefined {
    this.prevGranule = offset === this.dataStart ? 0 : undefined;
    this.prevBlock = undefined;
    this.primer = undefined;
    this.vorbisFed = false;
    return offset === this.dataStart ? -this.codec.granuleOffset : undefined;
  }

  static async open(source: ByteSource): Promise<OggDecoder> {
    const reader = new OggPageReader(source, 0, undefined);
    const first = await reader.next();
    if (!first) throw new DecodeError(source.size === 0 ? 'empty' : 'corrupt', `${source.uri}: no Ogg page found`, { byte: 0 });
    const assembler = new PacketAssembler();
    const headers = assembler.push(first);
    const kind = headers[0] && identifyOggCodec(headers[0]);
    if (!kind) throw new DecodeError('unsupported', `${source.uri}: Ogg stream holds neither Vorbis nor Opus`);
    const serial = first.serial;
    while (headers.length < headerPacketCount[kind]) {
      const page = await reader.next();
      if (!page) throw new DecodeError('truncated', `${source.uri}: file ends inside the ${kind} headers`, { byte: reader.position });
      if (page.serial !== serial) continue;
      headers.push(...assembler.push(page));
    }
    // Audio always starts on a fresh page after the headers.
    const dataStart = reader.position;
    const codec = kind === 'vorbis' ? await createVorbisCodec(headers, source.uri) : await createOpusCodec(headers, source.uri);
    try {
      const last = await lastGranule(source, serial);
      const total = last === undefined ? undefined : Math.max(0, last - codec.granuleOffset);
      return new OggDecoder(source, codec, serial, dataStart, total);
    } catch (error) {
      codec.free();
      throw error;
    }
  }

  async read(): Promise<PcmChunk | null> {
    this.assertLive();
    for (;;) {
      const chunk = this.queue.take();
      if (chunk) return chunk;
      if (this.atEnd) return this.endOfStream();
      await this.decodePage();
    }
  }

  private endOfStream(): null {
    const total = this.format.totalFrames;
    const reached = this.outPos ?? 0;
    if (total !== undefined && reached < total && !this.reportedShort) {
      this.reportedShort = true;
      throw new DecodeError('truncated', `${this.source.uri}: Ogg stream ends at frame ${reached} of ${total} (byte ${this.lastByte})`, {
        byte: this.lastByte,
        frame: reached,
      });
    }
    return null;
  }

  private async decodePage(): Promise<void> {
    let page: OggPage | null;
    try {
      page = await this.reader.next();
    } catch (error) {
      if (error instanceof DecodeError) throw new DecodeError(error.code, `${error.message} (after frame ${this.outPos ?? 0})`, { ...error.at, frame: this.outPos });
      throw error;
    }
    if (!page) {
      this.atEnd = true;
      return;
    }
    this.lastByte = page.offset + page.size;
    const packets = this.packets.push(page);
    if (packets.length && this.codec.packetDuration && this.placeByDuration(page, packets)) {
      // placed packet by packet
    } else if (packets.length && this.codec.blockSize && this.placeByBlocks(page, packets)) {
      // placed packet by packet
    } else if (packets.length) {
      this.vorbisFed = true; // the codec is no longer fresh: later pages continue, never skip
      const decoded = this.codec.decode(packets);
      if (decoded.errors?.length) {
        throw new DecodeError('corrupt', `${this.source.uri}: ${this.codec.codec} decode error in the page at byte ${page.offset}: ${decoded.errors[0]!.message}`, {
          byte: page.offset,
          frame: this.outPos,
        });
      }
      // Held until a page with a granule places it, across later decodes that reuse the
      // codec's output arrays: keep a copy (only ever the stream's first pages).
      if (decoded.samplesDecoded > 0) this.pending.push(this.outPos === undefined ? decoded.channelData.map((c) => c.slice()) : decoded.channelData);
    }
    if (this.outPos === undefined && page.granule !== -1) {
      const pendingFrames = this.pending.reduce((n, c) => n + c[0]!.length, 0);
      this.outPos = page.granule - this.codec.granuleOffset - pendingFrames;
    }
    if (this.outPos !== undefined) {
      for (const data of this.pending) this.outPos = this.queue.push(this.outPos, data);
      this.pending = [];
    }
    if (page.granule !== -1) this.prevGranule = page.granule;
    if (page.eos) this.atEnd = true;
  }

  /**
   * Vorbis after a seek: packet lengths follow from block sizes ((previous + this) / 4), so
   * packets that end before the target are skipped undecoded, except the one just before
   * the first needed packet, which primes the codec (a fresh codec outputs nothing for its
   * first packet). Returns false to let the page go the generic way.
   */
  private placeByBlocks(page: OggPage, packets: Uint8Array[]): boolean {
    if (this.vorbisFed) {
      this.feedVorbis(packets, this.outPos!);
      return true;
    }
    const blocks = packets.map((p) => this.codec.blockSize!(p));
    const durations = blocks.map((b, k) => {
      const previous = k > 0 ? blocks[k - 1] : this.prevBlock;
      return previous === undefined ? 0 : (previous + b) / 4;
    });
    let ends: number[];
    if (this.prevGranule !== undefined) {
      let at = this.prevGranule;
      ends = durations.map((d) => (at += d));
    } else if (page.granule !== -1 && page.granule <= this.skipBefore && !page.eos) {
      // First page after a seek, wholly before the target: decode nothing, keep a primer.
      this.primer = packets[packets.length - 1];
      this.prevBlock = blocks[blocks.length - 1];
      this.outPos = page.granule;
      return true;
    } else {
      return false;
    }
    const first = ends.findIndex((end) => end > this.skipBefore);
    if (first === -1) {
      this.primer = packets[packets.length - 1];
      this.prevBlock = blocks[blocks.length - 1];
      this.outPos = ends[ends.length - 1]!;
      return true;
    }
    const primer = first > 0 ? packets[first - 1] : this.primer;
    const start = ends[first]! - durations[first]!;
    const feed = primer ? [primer, ...packets.slice(first)] : packets.slice(first);
    this.feedVorbis(feed, start);
    this.primer = undefined;
    return true;
  }

  private feedVorbis(packets: Uint8Array[], at: number): void {
    this.vorbisFed = true;
    const decoded = this.codec.decode(packets);
    if (decoded.errors?.length) {
      throw new DecodeError('corrupt', `${this.source.uri}: vorbis decode error near frame ${at}: ${decoded.errors[0]!.message}`, { frame: at });
    }
    this.outPos = this.queue.push(at, decoded.channelData);
  }

  /**
   * Opus: every packet's length is in its TOC byte, so each packet's place is known from the
   * previous page's granule (or, on the first page after a seek, back from this page's).
   * Packets that end before the pre-roll window are not decoded at all. Returns false when
   * the place is not known yet (then the page goes the generic way).
   */
  private placeByDuration(page: OggPage, packets: Uint8Array[]): boolean {
    const durations = packets.map((p) => this.codec.packetDuration!(p));
    let at: number;
    if (this.prevGranule !== undefined) at = this.prevGranule;
    else if (page.granule !== -1 && !page.eos) at = page.granule - durations.reduce((a, b) => a + b, 0);
    else return false;
    let first = 0;
    while (first < packets.length && at + durations[first]! <= this.skipBefore) at += durations[first++]!;
    if (first === packets.length) {
      this.outPos = page.granule - this.codec.granuleOffset;
      return true;
    }
    const decoded = this.codec.decode(packets.slice(first));
    if (decoded.errors?.length) {
      throw new DecodeError('corrupt', `${this.source.uri}: ${this.codec.codec} decode error in the page at byte ${page.offset}: ${decoded.errors[0]!.message}`, {
        byte: page.offset,
        frame: at - this.codec.granuleOffset,
      });
    }
    this.outPos = this.queue.push(at - this.codec.granuleOffset, decoded.channelData);
    return true;
  }
  async seek(frame: number): Promise<void> {
    this.assertLive();
    const total = this.format.totalFrames ?? Number.MAX_SAFE_INTEGER;
    const target = Math.max(0, Math.min(Math.floor(frame), total));
    this.queue.reset(target);
    this.pending = [];
    this.reportedShort = false;
    this.packets.restart();
    await this.codec.restart();
    if (target >= total) {
      this.atEnd = true;
      this.outPos = total;
      return;
    }
    const from = target + this.codec.granuleOffset - this.codec.preroll;
    const start = await this.locate(from);
    this.skipBefore = from;
    this.reader = new OggPageReader(this.source, start.offset, this.serial, start.bytes);
    this.outPos = this.startPosition(start.offset);
    this.atEnd = false;
  }

  /**
   * The last page with granule ≤ `granule` (or the first audio page), with the bytes from it
   * on when a probe read them. Each probe reads WINDOW bytes a little before where the
   * granules put the target (interpolating: bitrates are fairly even, and the span shrinks
   * fast) and looks at every page in it, so the probe that holds the target's page ends the
   * search: one or two reads on long files, and decoding starts from those bytes.
   */
  private async locate(granule: number): Promise<{ offset: number; bytes?: Uint8Array }> {
    const size = this.source.size ?? Number.MAX_SAFE_INTEGER;
    // Invariants: the answer starts at or after lo.byte (a page with granule ≤ target, or
    // the first audio page) and before hi.byte.
    let lo = { byte: this.dataStart, granule: 0 };
    let hi = { byte: size, granule: this.lastGranuleSeen ?? Number.MAX_SAFE_INTEGER };
    for (let i = 0; i < 60 && hi.byte > lo.byte; i++) {
      let at = lo.byte;
      if (hi.byte - lo.byte > WINDOW) {
        // Halve every fourth probe, in case interpolation creeps on an uneven bitrate.
        const known = hi.granule !== Number.MAX_SAFE_INTEGER && i % 4 !== 3;
        const fraction = known ? (granule - lo.granule) / Math.max(1, hi.granule - lo.granule) : 0.5;
        const guess = lo.byte + Math.floor((hi.byte - lo.byte) * fraction) - WINDOW / 4;
        at = Math.max(lo.byte, Math.min(hi.byte - WINDOW / 2, guess));
      }
      const window = await this.source.read(at, WINDOW);
      const { before, after } = scanPages(window, at, this.serial, granule);
      if (before) lo = { byte: before.offset, granule: before.granule };
      const atEof = at + window.length >= size;
      if ((after && (before || at === lo.byte)) || (before && atEof)) {
        return { offset: lo.byte, bytes: window.subarray(lo.byte - at) };
      }
      if (after) hi = { byte: after.offset, granule: after.granule };
      else if (!before) hi = { byte: at, granule: hi.granule };
    }
    // Pages too large for the window (or damage): walk from lo page by page.
    const reader = new OggPageReader(this.source, lo.byte, this.serial);
    let best = lo.byte;
    for (;;) {
      const page = await reader.next();
      if (!page || page.granule > granule) break;
      if (page.granule !== -1) best = page.offset;
      if (page.eos) break;
    }
    return { offset: best };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.codec.free();
    } finally {
      this.source.dispose();
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new DecodeError('io', `${this.source.uri}: decoder used after dispose`);
  }
}

/** In a window of bytes at file offset `base`: the last page of ours with a granule ≤ `granule`
 * before the first one with a greater granule (where the scan stops), as far as each is in it. */
function scanPages(b: Uint8Array, base: number, serial: number, granule: number): { before?: OggPage; after?: OggPage } {
  let before: OggPage | undefined;
  for (let from = 0; ; ) {
    const page = findPage(b, from, base, serial);
    if (!page) return { before };
    if (page.granule !== -1) {
      if (page.granule > granule) return { before, after: page };
      before = page;
    }
    from = page.offset - base + page.size;
  }
}

/** Granule of the last page of our stream: read backwards from the end in growing windows. */
async function lastGranule(source: ByteSource, serial: number): Promise<number | undefined> {
  const size = source.size;
  if (size === undefined) return undefined;
  for (let span = WINDOW; ; span *= 4) {
    const start = Math.max(0, size - span);
    const tail = await source.read(start, size - start);
    let last: OggPage | undefined;
    for (let from = 0; ; ) {
      const page = findPage(tail, from, start, serial);
      if (!page) break;
      if (page.granule !== -1) last = page;
      from = page.offset - start + page.size;
    }
    if (last) return last.granule;
    if (start === 0 || span > 16 * 1024 * 1024) return undefined;
  }
}
