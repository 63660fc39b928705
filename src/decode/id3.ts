import type { ByteSource } from './types';

/** Size of an ID3v2 tag at `offset` (header, body, footer), or 0 when there is none. */
export async function id3v2Size(source: ByteSource, offset = 0): Promise<number> {
  const h = await source.read(offset, 10);
  if (h.length < 10 || h.toString('latin1', 0, 3) !== 'ID3') return 0;
  const body = ((h[6]! & 0x7f) << 21) | ((h[7]! & 0x7f) << 14) | ((h[8]! & 0x7f) << 7) | (h[9]! & 0x7f);
  return 10 + body + (h[5]! & 0x10 ? 10 : 0);
}
