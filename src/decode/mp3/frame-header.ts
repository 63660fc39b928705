/** MPEG-1/2/2.5 Layer III frame headers: enough to walk a file frame by frame without decoding. */

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

export interface MpegFrameHeader {
  /** 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5 (the header's own version code). */
  readonly version: number;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** Whole frame length in bytes, header included. */
  readonly size: number;
  readonly samplesPerFrame: 1152 | 576;
  /** Offset of the side information from the frame start. */
  readonly sideInfoOffset: number;
  readonly sideInfoSize: number;
}

export function parseMpegHeader(b: Uint8Array, p: number): MpegFrameHeader | undefined {
  if (p + 4 > b.length) return undefined;
  const b1 = b[p + 1]!;
  const b2 = b[p + 2]!;
  if (b[p] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 3;
  if (version === 1 || ((b1 >> 1) & 3) !== 1) return undefined; // reserved version, or not layer III
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined; // free format unsupported
  const v1 = version === 3;
  const kbps = (v1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
  const sampleRate = RATES[version]![rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const channels = b[p + 3]! >> 6 === 3 ? 1 : 2;
  const size = Math.floor(((v1 ? 144000 : 72000) * kbps) / sampleRate) + padding;
  const crc = (b1 & 1) === 0;
  return {
    version,
    sampleRate,
    channels,
    size,
    samplesPerFrame: v1 ? 1152 : 576,
    sideInfoOffset: 4 + (crc ? 2 : 0),
    sideInfoSize: v1 ? (channels === 1 ? 17 : 32) : channels === 1 ? 9 : 17,
  };
}

/** Same stream: frames of one file share version, sample rate and layer. */
export function sameStream(a: MpegFrameHeader, b: MpegFrameHeader): boolean {
  return a.version === b.version && a.sampleRate === b.sampleRate;
}

/** Bytes of the bit reservoir this frame borrows from earlier frames (main_data_begin). */
export function mainDataBegin(b: Uint8Array, p: number, h: MpegFrameHeader): number {
  const s = p + h.sideInfoOffset;
  return h.version === 3 ? (b[s]! << 1) | (b[s + 1]! >> 7) : b[s]!;
}
