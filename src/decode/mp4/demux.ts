import { DecodeError, type ByteSource } from '../types';

/** The audio track of an MP4/M4A file: codec config and one entry per access unit. */
export interface Mp4AudioTrack {
  /** AudioSpecificConfig from esds. */
  readonly asc: Uint8Array;
  readonly channels: number;
  readonly timescale: number;
  /** Where the access units lie in the file (chunk by chunk, not an offset per unit). */
  readonly chunks: UnitChunks;
  /** Size of each access unit: 2 bytes a unit when all are below 64 KiB (AAC's always are). */
  readonly sizes: Uint16Array | Uint32Array;
  /** Start of each access unit on the media timeline, kept as stts runs (a 2-hour track is ~310k units). */
  readonly times: UnitTimes;
  /** Media time where the presentation starts (encoder priming), from elst or iTunSMPB. */
  readonly priming: number;
  /** Presentation length in media time units, when the file says (gapless). */
  readonly duration: number | undefined;
}

interface Box {
  type: string;
  start: number;
  bodyStart: number;
  end: number;
}

function* boxes(b: Uint8Array, start: number, end: number): Generator<Box> {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = start;
  while (p + 8 <= end) {
    let size = view.getUint32(p);
    const type = String.fromCharCode(b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(p + 8));
      header = 16;
    } else if (size === 0) {
      size = end - p;
    }
    if (size < header || p + size > end) return;
    yield { type, start: p, bodyStart: p + header, end: p + size };
    p += size;
  }
}

function child(b: Uint8Array, parent: Box, type: string, skip = 0): Box | undefined {
  for (const box of boxes(b, parent.bodyStart + skip, parent.end)) if (box.type === type) return box;
  return undefined;
}

function path(b: Uint8Array, from: Box, ...types: string[]): Box | undefined {
  let box: Box | undefined = from;
  for (const t of types) {
    // 'meta' is a full box (4 bytes of version/flags before its children).
    box = box && child(b, box, t, box.type === 'meta' ? 4 : 0);
  }
  return box;
}

/** Find and read the moov box, wherever it is (start or end of the file). */
export async function readMoov(source: ByteSource): Promise<Uint8Array> {
  const size = source.size ?? Number.MAX_SAFE_INTEGER;
  let p = 0;
  while (p + 8 <= size) {
    const h = await source.read(p, 16);
    if (h.length < 8) break;
    let boxSize = h.readUInt32BE(0);
    const type = h.toString('latin1', 4, 8);
    if (boxSize === 1 && h.length >= 16) boxSize = Number(h.readBigUInt64BE(8));
    else if (boxSize === 0) boxSize = size - p;
    if (boxSize < 8 || !/^[\x20-\x7e]{4}$/.test(type)) throw new DecodeError('corrupt', `${source.uri}: invalid MP4 box at byte ${p}`, { byte: p });
    if (type === 'moov') {
      const moov = await source.read(p, boxSize);
      if (moov.length < boxSize) throw new DecodeError('truncated', `${source.uri}: MP4 moov box is cut short`, { byte: p });
      return moov;
    }
    p += boxSize;
  }
  throw new DecodeError('corrupt', `${source.uri}: no moov box (MP4 index missing: the file is incomplete or damaged)`, { byte: p });
}

export function parseAudioTrack(moov: Uint8Array, uri: string): Mp4AudioTrack {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const u32 = (p: number) => view.getUint32(p);
  const root: Box = { type: 'moov', start: 0, bodyStart: 8, end: moov.length };
  const mvhd = child(moov, root, 'mvhd');
  const movieTimescale = mvhd ? u32(mvhd.bodyStart + (moov[mvhd.bodyStart] === 1 ? 20 : 12)) : 1000;
  const itunSmpb = findItunSmpb(moov, root);
  for (const trak of boxes(moov, root.bodyStart, root.end)) {
    if (trak.type !== 'trak') continue;
    const hdlr = path(moov, trak, 'mdia', 'hdlr');
    if (!hdlr || String.fromCharCode(...moov.subarray(hdlr.bodyStart + 8, hdlr.bodyStart + 12)) !== 'soun') continue;
    const stbl = path(moov, trak, 'mdia', 'minf', 'stbl');
    const mdhd = path(moov, trak, 'mdia', 'mdhd');
    const stsd = stbl && child(moov, stbl, 'stsd');
    if (!stbl || !mdhd || !stsd) continue;
    const entry = [...boxes(moov, stsd.bodyStart + 8, stsd.end)][0];
    if (!entry) continue;
    if (entry.type !== 'mp4a') throw new DecodeError('unsupported', `${uri}: MP4 audio codec '${entry.type}' is not supported (AAC only)`);
    const channels = view.getUint16(entry.bodyStart + 16);
    // mp4a: 28 bytes of sample entry fields, then child boxes (esds).
    const esds = [...boxes(moov, entry.bodyStart + 28, entry.end)].find((b) => b.type === 'esds');
    const asc = esds && parseEsds(moov.subarray(esds.bodyStart + 4, esds.end));
    if (!asc) throw new DecodeError('corrupt', `${uri}: MP4 AAC track without AudioSpecificConfig`);
    const timescale = u32(mdhd.bodyStart + (moov[mdhd.bodyStart] === 1 ? 20 : 12));
    const tables = sampleTables(moov, view, stbl, uri);
    // Gapless: one media edit in elst, else iTunes' iTunSMPB, else nothing to trim.
    let priming = 0;
    let duration: number | undefined;
    const elst = path(moov, trak, 'edts', 'elst');
    const edits = elst ? parseElst(view, elst) : [];
    const media = edits.filter((e) => e.mediaTime >= 0);
    if (media.length === 1) {
      priming = media[0]!.mediaTime;
      duration = Math.round((media[0]!.segmentDuration * timescale) / movieTimescale);
    } else if (itunSmpb) {
      priming = itunSmpb.priming;
      duration = itunSmpb.frames;
    }
    const end = tables.times.end;
    if (duration !== undefined) duration = Math.min(duration, end - priming);
    return { asc, channels, timescale, ...tables, priming, duration: duration ?? end - priming };
  }
  throw new DecodeError('unsupported', `${uri}: no AAC audio track in this MP4 file`);
}

function sampleTables(b: Uint8Array, view: DataView, stbl: Box, uri: string): Pick<Mp4AudioTrack, 'chunks' | 'sizes' | 'times'> {
  const get = (t: string) => child(b, stbl, t);
  const stsz = get('stsz');
  const stsc = get('stsc');
  const stco = get('stco') ?? get('co64');
  const stts = get('stts');
  if (!stsz || !stsc || !stco || !stts) throw new DecodeError('corrupt', `${uri}: MP4 sample tables incomplete`);
  const fixedSize = view.getUint32(stsz.bodyStart + 4);
  const count = view.getUint32(stsz.bodyStart + 8);
  const sizeAt = (i: number) => fixedSize || view.getUint32(stsz.bodyStart + 12 + 4 * i);
  let largest = fixedSize;
  for (let i = 0; i < count && !fixedSize; i++) largest = Math.max(largest, sizeAt(i));
  const sizes = largest < 0x10000 ? new Uint16Array(count) : new Uint32Array(count);
  for (let i = 0; i < count; i++) sizes[i] = sizeAt(i);
  const chunkCount = view.getUint32(stco.bodyStart + 4);
  const wide = stco.type === 'co64';
  const chunkOffset = (i: number) =>
    wide ? Number(view.getBigUint64(stco.bodyStart + 8 + 8 * i)) : view.getUint32(stco.bodyStart + 8 + 4 * i);
  // The first unit of each chunk, from the stsc runs (chunks first..next-1 hold perChunk units each).
  const firstUnits = new Float64Array(chunkCount + 1);
  const stscCount = view.getUint32(stsc.bodyStart + 4);
  let unit = 0;
  let chunk = 0;
  for (let e = 0; e < stscCount && chunk < chunkCount; e++) {
    const first = view.getUint32(stsc.bodyStart + 8 + 12 * e) - 1;
    const perChunk = view.getUint32(stsc.bodyStart + 12 + 12 * e);
    const next = e + 1 < stscCount ? view.getUint32(stsc.bodyStart + 8 + 12 * (e + 1)) - 1 : chunkCount;
    // Chunks an stsc gap skips hold nothing.
    for (; chunk < Math.min(first, chunkCount); chunk++) firstUnits[chunk] = Math.min(unit, count);
    for (; chunk < Math.min(next, chunkCount); chunk++) {
      firstUnits[chunk] = Math.min(unit, count);
      unit += perChunk;
    }
  }
  for (; chunk <= chunkCount; chunk++) firstUnits[chunk] = Math.min(unit, count);
  let offsets: Uint32Array | Float64Array = new Uint32Array(chunkCount);
  for (let c = 0; c < chunkCount; c++) {
    const at = chunkOffset(c);
    // 32-bit offsets unless a co64 table points past 4 GiB.
    if (at > 0xffffffff && offsets instanceof Uint32Array) offsets = Float64Array.from(offsets);
    offsets[c] = at;
  }
  const sttsCount = view.getUint32(stts.bodyStart + 4);
  const runs: { count: number; delta: number }[] = [];
  for (let e = 0; e < sttsCount; e++) {
    runs.push({ count: view.getUint32(stts.bodyStart + 8 + 8 * e), delta: view.getUint32(stts.bodyStart + 12 + 8 * e) });
  }
  return { chunks: new UnitChunks(firstUnits, offsets, sizes), sizes, times: new UnitTimes(runs, count) };
}

/**
 * Access unit file offsets from the chunk table (stco/co64 and stsc): a chunk's units lie back
 * to back from its offset. An offset per unit would be 4-8 bytes a unit (1.2-2.5 MB for a
 * 2-hour track, a third of what a long file added to peak memory); ffmpeg and iTunes write
 * chunks of ~20-2000 units, so this is a few KB. Units past the table's last chunk are taken
 * to follow it back to back.
 */
export class UnitChunks {
  constructor(
    /** Per chunk, its first unit; one more entry holds the end of the last chunk. */
    private readonly firstUnits: Float64Array,
    private readonly offsets: Uint32Array | Float64Array,
    private readonly sizes: ArrayLike<number>,
  ) {}

  /** The chunk holding `unit`: the last one starting at or before it (empty ones start where the next does). */
  chunkOf(unit: number): number {
    let lo = 0;
    let hi = this.offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstUnits[mid]! <= unit) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The chunk holding `unit`, given the chunk holding an earlier unit (a step forward, not a search). */
  chunkAfter(chunk: number, unit: number): number {
    while (chunk + 1 < this.offsets.length && this.firstUnits[chunk + 1]! <= unit) chunk++;
    return chunk;
  }

  /** File offset of the first unit of `chunk`. */
  offset(chunk: number): number {
    return this.offsets[chunk] ?? 0;
  }

  /** File offset of `unit`, which lies in `chunk` (as chunkOf gives it). */
  offsetOf(unit: number, chunk: number): number {
    let at = this.offset(chunk);
    for (let u = this.firstUnits[chunk] ?? unit; u < unit; u++) at += this.sizes[u]!;
    return at;
  }
}

/**
 * Access unit start times from the stts runs (count units of delta each): usually one or two
 * runs, so this costs nothing per unit. Units past the table's end (a short stts) start at its end.
 */
export class UnitTimes {
  /** Per run: its first unit, its start time and its units' duration; a last, empty run marks the end. */
  private readonly firstUnit: Float64Array;
  private readonly startTime: Float64Array;
  private readonly delta: Float64Array;
  private readonly runs: number;
  /** The end of the last unit (timescale units). */
  readonly end: number;

  constructor(
    runs: readonly { count: number; delta: number }[],
    /** Number of access units. */
    readonly units: number,
  ) {
    const n = runs.length + 1;
    this.firstUnit = new Float64Array(n);
    this.startTime = new Float64Array(n);
    this.delta = new Float64Array(n);
    let unit = 0;
    let t = 0;
    let r = 0;
    for (const run of runs) {
      if (unit >= units) break;
      const count = Math.min(run.count, units - unit);
      this.firstUnit[r] = unit;
      this.startTime[r] = t;
      this.delta[r++] = run.delta;
      unit += count;
      t += count * run.delta;
    }
    // Units the table does not cover take no time (they all start at its end).
    this.firstUnit[r] = unit;
    this.startTime[r] = t;
    this.runs = r + 1;
    this.end = t;
  }

  /** Start time of `unit` (0 ≤ unit ≤ units; `units` gives the end). */
  start(unit: number): number {
    const r = this.lastAtOrBelow(this.firstUnit, unit);
    return this.startTime[r]! + (unit - this.firstUnit[r]!) * this.delta[r]!;
  }

  /** Index of the unit whose time span holds `t` (clamped to the units there are). */
  unitAt(t: number): number {
    const r = this.lastAtOrBelow(this.startTime, t);
    const delta = this.delta[r]!;
    const unit = this.firstUnit[r]! + (delta > 0 ? Math.floor((t - this.startTime[r]!) / delta) : 0);
    return Math.max(0, Math.min(this.units - 1, unit));
  }

  /** The last run whose value in `firsts` (ascending) is ≤ `value`, else 0. */
  private lastAtOrBelow(firsts: Float64Array, value: number): number {
    let lo = 0;
    let hi = this.runs - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid]! <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function parseElst(view: DataView, elst: Box): { segmentDuration: number; mediaTime: number }[] {
  const version = view.getUint8(elst.bodyStart);
  const n = view.getUint32(elst.bodyStart + 4);
  const out = [];
  let p = elst.bodyStart + 8;
  for (let i = 0; i < n; i++) {
    if (version === 1) {
      out.push({ segmentDuration: Number(view.getBigUint64(p)), mediaTime: Number(view.getBigInt64(p + 8)) });
      p += 20;
    } else {
      out.push({ segmentDuration: view.getUint32(p), mediaTime: view.getInt32(p + 4) });
      p += 12;
    }
  }
  return out;
}

/** ES descriptor → DecoderConfigDescriptor → DecoderSpecificInfo (the AudioSpecificConfig). */
function parseEsds(b: Uint8Array): Uint8Array | undefined {
  let p = 0;
  const readDescriptor = () => {
    const tag = b[p++]!;
    let len = 0;
    for (let i = 0; i < 4; i++) {
      const c = b[p++]!;
      len = (len << 7) | (c & 0x7f);
      if (!(c & 0x80)) break;
    }
    return { tag, len, body: p };
  };
  const es = readDescriptor();
  if (es.tag !== 3) return undefined;
  const flags = b[p + 2]!;
  p += 3;
  if (flags & 0x80) p += 2;
  if (flags & 0x40) p += 1 + b[p]!;
  if (flags & 0x20) p += 2;
  const dc = readDescriptor();
  if (dc.tag !== 4) return undefined;
  p += 13;
  const dsi = readDescriptor();
  if (dsi.tag !== 5) return undefined;
  return b.slice(dsi.body, dsi.body + dsi.len);
}

/** iTunSMPB: " 00000000 PRIMING PADDING FRAMES..." in hex, in an ilst '----' item. */
function findItunSmpb(b: Uint8Array, root: Box): { priming: number; frames: number } | undefined {
  const ilst = path(b, root, 'udta', 'meta', 'ilst');
  if (!ilst) return undefined;
  for (const item of boxes(b, ilst.bodyStart, ilst.end)) {
    if (item.type !== '----') continue;
    const name = child(b, item, 'name');
    const data = child(b, item, 'data');
    if (!name || !data || Buffer.from(b.subarray(name.bodyStart + 4, name.end)).toString('latin1') !== 'iTunSMPB') continue;
    const fields = Buffer.from(b.subarray(data.bodyStart + 8, data.end)).toString('latin1').trim().split(/\s+/);
    const priming = parseInt(fields[1] ?? '', 16);
    const frames = parseInt(fields[3] ?? '', 16);
    if (Number.isFinite(priming) && Number.isFinite(frames)) return { priming, frames };
  }
  return undefined;
}
