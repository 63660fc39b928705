/**
 * Block size of each Vorbis audio packet, from the mode table at the end of the setup
 * header (read backwards, as libvorbis-based demuxers do: the modes are the last thing in
 * the header and have a fixed shape). A packet decodes to (previous block + this block) / 4
 * samples, which lets a seek skip packets without decoding them.
 */
export interface VorbisModes {
  readonly blockFlags: readonly number[];
  readonly modeBits: number;
  readonly blockSizes: readonly [number, number];
}

const NIBBLE_REVERSED = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
const reverseByte = (b: number) => (NIBBLE_REVERSED[b & 15]! << 4) | NIBBLE_REVERSED[b >> 4]!;

/**
 * Reads bytes' worth of bits backwards from the end of a packet, bit-reversed (the Vorbis
 * bitstream packs LSB first). Ported from codec-parser's reader, which this layout needs.
 */
class ReverseBitReader {
  position: number;
  constructor(private readonly data: Uint8Array) {
    this.position = data.length * 8;
  }
  read(bits: number): number {
    const byte = Math.floor(this.position / 8);
    const bit = this.position % 8;
    this.position -= bits;
    const hi = reverseByte(this.data[byte - 1] ?? 0);
    const lo = reverseByte(this.data[byte] ?? 0);
    return (((hi << 8) + lo) >> (7 - bit)) & 255;
  }
}

export function parseVorbisModes(ident: Uint8Array, setup: Uint8Array): VorbisModes | undefined {
  const blockSizes: [number, number] = [1 << (ident[28]! & 15), 1 << (ident[28]! >> 4)];
  const r = new ReverseBitReader(setup);
  // Back over the padding to the framing bit.
  while (r.position > 0 && (r.read(1) & 1) !== 1);
  // Mode entries, last first: block flag (1), window type (16, zero), transform type (16,
  // zero), mapping (8). The first non-entry is the 6-bit mode count, which must agree.
  const flags: number[] = [];
  let last = 0;
  while (flags.length < 64 && r.position > 0) {
    reverseByte(r.read(8)); // mapping number
    let zeros = 0;
    while (r.read(8) === 0 && zeros++ < 3);
    if (zeros === 4) {
      last = r.read(7);
      flags.unshift(last & 1);
      r.position += 6;
    } else {
      if (((reverseByte(last) & 126) >> 1) + 1 !== flags.length) return undefined;
      break;
    }
  }
  if (flags.length === 0) return undefined;
  let modeBits = 0;
  while (1 << modeBits < flags.length) modeBits++;
  return { blockFlags: flags, modeBits, blockSizes };
}

/** Block size of an audio packet. */
export function vorbisBlockSize(packet: Uint8Array, modes: VorbisModes): number {
  const mode = (packet[0]! >> 1) & ((1 << modes.modeBits) - 1);
  return modes.blockSizes[modes.blockFlags[mode] ? 1 : 0];
}
