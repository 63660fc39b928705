/** Ogg pages (RFC 3533): parsing and CRC checking, independent of the codec inside. */

export interface OggPage {
  /** Byte offset of the page in the file. */
  readonly offset: number;
  readonly size: number;
  readonly continued: boolean;
  readonly bos: boolean;
  readonly eos: boolean;
  /** -1 when no packet ends on this page. */
  readonly granule: number;
  readonly serial: number;
  readonly lacing: Uint8Array;
  readonly body: Uint8Array;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let b = 0; b < 8; b++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function pageCrc(b: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    // The checksum field (bytes 22-25) counts as zero.
    const byte = i - start >= 22 && i - start < 26 ? 0 : b[i]!;
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc;
}

export type PageParse = { page: OggPage } | { need: number } | { invalid: true };

/** Parse the page at `p` of `b` (which starts at file offset `base`). */
export function parsePage(b: Uint8Array, p: number, base: number): PageParse {
  if (p + 27 > b.length) return { need: p + 27 - b.length };
  if (b[p] !== 0x4f || b[p + 1] !== 0x67 || b[p + 2] !== 0x67 || b[p + 3] !== 0x53 || b[p + 4] !== 0) return { invalid: true };
  const segments = b[p + 26]!;
  const headerEnd = p + 27 + segments;
  if (headerEnd > b.length) return { need: headerEnd - b.length };
  let bodySize = 0;
  for (let i = p + 27; i < headerEnd; i++) bodySize += b[i]!;
  const end = headerEnd + bodySize;
  if (end > b.length) return { need: end - b.length };
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (pageCrc(b, p, end) !== view.getUint32(p + 22, true)) return { invalid: true };
  const flags = b[p + 5]!;
  const low = view.getUint32(p + 6, true);
  const high = view.getInt32(p + 10, true);
  return {
    page: {
      offset: base + p,
      size: end - p,
      continued: (flags & 1) !== 0,
      bos: (flags & 2) !== 0,
      eos: (flags & 4) !== 0,
      granule: high === -1 && low === 0xffffffff ? -1 : high * 2 ** 32 + low,
      serial: view.getUint32(p + 14, true),
      lacing: b.subarray(p + 27, headerEnd),
      body: b.subarray(headerEnd, end),
    },
  };
}

/** First valid page at or after `from` in `b`, or undefined. */
export function findPage(b: Uint8Array, from: number, base: number, serial: number): OggPage | undefined {
  for (let i = from; i + 27 <= b.length; i++) {
    if (b[i] !== 0x4f || b[i + 1] !== 0x67) continue;
    const r = parsePage(b, i, base);
    if ('page' in r && r.page.serial === serial) return r.page;
  }
  return undefined;
}

/**
 * Packets from consecutive pages. A packet may span pages (lacing value 255 at a page's end);
 * after a restart in mid-stream, the tail of a packet whose start was not seen is dropped.
 */
export class PacketAssembler {
  private partial: Uint8Array[] = [];
  private synced = false;

  restart(): void {
    this.partial = [];
    this.synced = false;
  }

  /** Complete packets ending on this page. */
  push(page: OggPage): Uint8Array[] {
    const packets: Uint8Array[] = [];
    let skipping = !this.synced && page.continued;
    this.synced = true;
    let at = 0;
    for (let i = 0; i < page.lacing.length; i++) {
      const lace = page.lacing[i]!;
      if (!skipping) this.partial.push(page.body.subarray(at, at + lace));
      at += lace;
      if (lace < 255) {
        if (!skipping) packets.push(concat(this.partial));
        this.partial = [];
        skipping = false;
      }
    }
    return packets;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!.slice();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
