/**
 * FLAC frame headers, for finding a frame in the middle of a file (seek bisection). A sync
 * code alone is common in compressed data; the header's CRC-8 and its consistency with
 * STREAMINFO make a false match unlikely, and the caller checks the sample number too.
 */

const CRC8 = (() => {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let b = 0; b < 8; b++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    table[i] = c;
  }
  return table;
})();

export interface FrameHeader {
  /** First sample of the frame. */
  readonly sample: number;
  readonly blockSize: number;
}

export interface StreamShape {
  readonly maxBlockSize: number;
  readonly minBlockSize: number;
  readonly channels: number;
}

/** Parse a frame header at `p`, or undefined when the bytes there are not one. */
export function parseFrameHeader(b: Uint8Array, p: number, stream: StreamShape): FrameHeader | undefined {
  if (p + 16 > b.length || b[p] !== 0xff || (b[p + 1]! & 0xfe) !== 0xf8) return undefined;
  const variable = b[p + 1]! & 1;
  const bsCode = b[p + 2]! >> 4;
  const srCode = b[p + 2]! & 15;
  const chCode = b[p + 3]! >> 4;
  const ssCode = (b[p + 3]! >> 1) & 7;
  if (bsCode === 0 || srCode === 15 || (b[p + 3]! & 1) !== 0 || ssCode === 3 || chCode > 10) return undefined;
  const channels = chCode < 8 ? chCode + 1 : 2;
  if (channels !== stream.channels) return undefined;
  let q = p + 4;
  const lead = b[q++]!;
  // UTF-8-style coding: the count of leading 1 bits says how many continuation bytes follow.
  let ones = 0;
  while (ones < 8 && lead & (0x80 >> ones)) ones++;
  if (ones === 1 || ones === 8) return undefined; // a continuation byte, or 0xff
  const extra = ones === 0 ? 0 : ones - 1;
  let v = lead & (0x7f >> ones);
  for (let i = 0; i < extra; i++) {
    const c = b[q++]!;
    if ((c & 0xc0) !== 0x80) return undefined;
    v = v * 64 + (c & 0x3f);
  }
  let blockSize: number;
  if (bsCode === 1) blockSize = 192;
  else if (bsCode <= 5) blockSize = 576 << (bsCode - 2);
  else if (bsCode === 6) blockSize = b[q++]! + 1;
  else if (bsCode === 7) {
    blockSize = ((b[q]! << 8) | b[q + 1]!) + 1;
    q += 2;
  }
  else blockSize = 256 << (bsCode - 8);
  if (srCode === 12) q += 1;
  else if (srCode === 13 || srCode === 14) q += 2;
  let crc = 0;
  for (let i = p; i < q; i++) crc = CRC8[crc ^ b[i]!]!;
  if (crc !== b[q]) return undefined;
  if (blockSize > stream.maxBlockSize) return undefined;
  // Fixed-blocksize streams number frames, variable ones number samples.
  return { sample: variable ? v : v * stream.maxBlockSize, blockSize };
}

/** The first frame header at or after `from` in `b` (offset relative to b), or undefined. */
export function findFrameHeader(b: Uint8Array, from: number, stream: StreamShape): { at: number; header: FrameHeader } | undefined {
  for (let i = from; i + 16 <= b.length; i++) {
    if (b[i] !== 0xff) continue;
    const header = parseFrameHeader(b, i, stream);
    if (header) return { at: i, header };
  }
  return undefined;
}

const CRC16 = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
    table[i] = c;
  }
  return table;
})();

/** A whole frame ends with the CRC-16 of everything before it: true when `b[start, end)` is one. */
export function frameCrcOk(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 8) return false;
  let crc = 0;
  for (let i = start; i < end - 2; i++) crc = ((crc << 8) ^ CRC16[(crc >> 8) ^ b[i]!]!) & 0xffff;
  return crc === ((b[end - 2]! << 8) | b[end - 1]!);
}
