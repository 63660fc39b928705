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

type SizeTable = Uint16Array | Uint32Array;

/** The moov box, with large sample size tables read apart (see readMoov). */
export interface Moov {
  readonly bytes: Uint8Array;
  /** stsz tables left out of `bytes`, by the start of their stub box there (its header and entry count). */
  readonly sizeTables: ReadonlyMap<number, SizeTable>;
}

/** A moov box larger than this is read box by box (readMoov). */
const WHOLE_MOOV_LIMIT = 256 * 1024;
/** Boxes holding boxes, as parseAudioTrack walks them ('meta' is a full box: 4 more bytes). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'udta', 'meta']);

/**
 * Find and read the moov box, wherever it is (start or end of the file). Its size grows with
 * the track's length, mostly by stsz (4 bytes an access unit: 1.2 MB for 2 hours), so a moov
 * larger than `wholeLimit` is read box by box and each audio stsz table goes straight into a
 * 2-byte-an-entry array, in 64 KB pieces, instead of the whole box into memory at once.
 */
export async function readMoov(source: ByteSource, wholeLimit = WHOLE_MOOV_LIMIT): Promise<Moov> {
  const size = source.size ?? Number.MAX_SAFE_INTEGER;
  let p = 0;
  while (p + 8 <= size) {
    const header = await boxHeader(source, p, size);
    if (!header) break;
    if (header.type === 'moov') {
      if (header.size > wholeLimit) return readBoxByBox(source, p, header.size);
      const moov = await source.read(p, header.size);
      if (moov.length < header.size) throw new DecodeError('truncated', `${source.uri}: MP4 moov box is cut short`, { byte: p });
      return { bytes: moov, sizeTables: new Map() };
    }
    p += header.size;
  }
  throw new DecodeError('corrupt', `${source.uri}: no moov box (MP4 index missing: the file is incomplete or damaged)`, { byte: p });
}

/**
 * The box header at `p` (size resolved; `length` is the header's own, 8 or 16), or undefined
 * at the end of the data. Strict: an invalid size or a type that is not printable ASCII is
 * an error (top level); else it is undefined too, as boxes() stops there (inside the moov,
 * where QuickTime's udta has types like '©nam').
 */
async function boxHeader(source: ByteSource, p: number, end: number, strict = true): Promise<{ type: string; size: number; length: number } | undefined> {
  const h = await source.read(p, 16);
  if (h.length < 8) return undefined;
  let size = h.readUInt32BE(0);
  const type = h.toString('latin1', 4, 8);
  let length = 8;
  if (size === 1 && h.length >= 16) {
    size = Number(h.readBigUInt64BE(8));
    length = 16;
  } else if (size === 0) {
    size = end - p;
  }
  if (size >= length && (!strict || /^[\x20-\x7e]{4}$/.test(type))) return { type, size, length };
  if (strict) throw new DecodeError('corrupt', `${source.uri}: invalid MP4 box at byte ${p}`, { byte: p });
  return undefined;
}

/**
 * The moov box at `start` copied box by box: containers (with their sizes rewritten), other
 * boxes whole, except the stsz of audio tracks (and of tracks whose handler comes later):
 * a 20-byte stub (no entries) in the copy, its entries in `sizeTables`.
 */
async function readBoxByBox(source: ByteSource, start: number, moovSize: number): Promise<Moov> {
  const parts: Uint8Array[] = [];
  const sizeTables = new Map<number, SizeTable>();
  let written = 0;
  let handler = '';
  const cutShort = () => new DecodeError('truncated', `${source.uri}: MP4 moov box is cut short`, { byte: start });
  if (source.size !== undefined && source.size < start + moovSize) throw cutShort();
  const read = async (p: number, length: number) => {
    const bytes = await source.read(p, length);
    if (bytes.length < length) throw cutShort();
    return bytes;
  };
  /** Copies the box at p (within [p, end)); returns its size in the file, or 0 to stop (as boxes() stops). */
  const copy = async (p: number, end: number): Promise<number> => {
    const header = p + 8 <= end ? await boxHeader(source, p, end, false) : undefined;
    if (!header || p + header.size > end) return 0;
    const { type, size, length } = header;
    if (CONTAINERS.has(type)) {
      if (type === 'trak') handler = '';
      const head = await read(p, length + (type === 'meta' ? 4 : 0));
      const at = written;
      parts.push(head);
      written += head.length;
      for (let q = p + head.length; q < p + size; ) {
        const used = await copy(q, p + size);
        if (!used) break;
        q += used;
      }
      // The copy is shorter when a stsz inside was left out: fix this box's size.
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      if (length === 16) view.setBigUint64(8, BigInt(written - at));
      else view.setUint32(0, written - at);
      return size;
    }
    if (type === 'stsz' && (handler === 'soun' || handler === '')) {
      const head = await read(p, 20);
      const count = head.readUInt32BE(16);
      if (head.readUInt32BE(12) === 0 && size >= 20 + 4 * count) {
        head.writeUInt32BE(20, 0);
        sizeTables.set(written, await readSizes(read, p + 20, count));
        parts.push(head);
        written += 20;
        return size;
      }
    }
    const box = await read(p, size);
    if (type === 'hdlr' && size >= 20) handler = box.toString('latin1', 16, 20);
    parts.push(box);
    written += size;
    return size;
  };
  await copy(start, start + moovSize);
  return { bytes: Buffer.concat(parts, written), sizeTables };
}

/** `count` big-endian 32-bit entries at `p`, read 16384 at a time, into 2-byte entries while they fit. */
async function readSizes(read: (p: number, length: number) => Promise<Buffer>, p: number, count: number): Promise<SizeTable> {
  let table: SizeTable = new Uint16Array(count);
  for (let i = 0; i < count; ) {
    const n = Math.min(16384, count - i);
    const piece = await read(p + 4 * i, 4 * n);
    for (let k = 0; k < n; k++, i++) {
      const value = piece.readUInt32BE(4 * k);
      if (value > 0xffff && table instanceof Uint16Array) table = Uint32Array.from(table);
      table[i] = value;
    }
  }
  return table;
}

export function parseAudioTrack({ bytes: moov, sizeTables }: Moov, uri: string): Mp4AudioTrack {
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
    const tables = sampleTables(moov, view, stbl, sizeTables, uri);
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

function sampleTables(b: Uint8Array, view: DataView, stbl: Box, sizeTables: Moov['sizeTables'], uri: string): Pick<Mp4AudioTrack, 'chunks' | 'sizes' | 'times'> {
  const get = (t: string) => child(b, stbl, t);
  const stsz = get('stsz');
  const stsc = get('stsc');
  const stco = get('stco') ?? get('co64');
  const stts = get('stts');
  if (!stsz || !stsc || !stco || !stts) throw new DecodeError('corrupt', `${uri}: MP4 sample tables incomplete`);
  const sizes = sizeTables.get(stsz.start) ?? sizeTable(view, stsz);
  const count = sizes.length;
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

/** The entries of an stsz box: 2 bytes each when all are below 64 KiB (AAC's always are). */
function sizeTable(view: DataView, stsz: Box): SizeTable {
  const fixedSize = view.getUint32(stsz.bodyStart + 4);
  const count = view.getUint32(stsz.bodyStart + 8);
  const sizeAt = (i: number) => fixedSize || view.getUint32(stsz.bodyStart + 12 + 4 * i);
  let largest = fixedSize;
  for (let i = 0; i < count && !fixedSize; i++) largest = Math.max(largest, sizeAt(i));
  const sizes = largest < 0x10000 ? new Uint16Array(count) : new Uint32Array(count);
  for (let i = 0; i < count; i++) sizes[i] = sizeAt(i);
  return sizes;
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
