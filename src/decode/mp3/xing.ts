import type { MpegFrameHeader } from './frame-header';

export interface XingInfo {
  /** Audio frames in the stream, not counting the Xing/Info frame itself. */
  readonly frames: number | undefined;
  /** Encoder delay and padding from the LAME/Lavc extension, in samples. */
  readonly encoderDelay: number | undefined;
  readonly encoderPadding: number | undefined;
}

/**
 * The Xing/Info (LAME, ffmpeg) or VBRI (Fraunhofer) header in the first frame, which is
 * then not audio. Returns undefined when the frame is an ordinary audio frame.
 */
export function parseXing(b: Uint8Array, p: number, h: MpegFrameHeader): XingInfo | undefined {
  const at = p + h.sideInfoOffset + h.sideInfoSize;
  const tag = String.fromCharCode(...b.subarray(at, at + 4));
  const u32 = (i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  if (tag === 'Xing' || tag === 'Info') {
    const flags = u32(at + 4);
    let q = at + 8;
    let frames: number | undefined;
    if (flags & 1) {
      frames = u32(q);
      q += 4;
    }
    if (flags & 2) q += 4;
    if (flags & 4) q += 100;
    if (flags & 8) q += 4;
    // LAME extension: 9-byte encoder name, then at +21 delay (12 bits) and padding (12 bits).
    const encoder = String.fromCharCode(...b.subarray(q, q + 4));
    if ((encoder === 'LAME' || encoder === 'Lavc' || encoder === 'Lavf' || encoder === 'L3.9') && q + 24 <= b.length) {
      const d = q + 21;
      const delay = (b[d]! << 4) | (b[d + 1]! >> 4);
      const padding = ((b[d + 1]! & 15) << 8) | b[d + 2]!;
      return { frames, encoderDelay: delay, encoderPadding: padding };
    }
    return { frames, encoderDelay: undefined, encoderPadding: undefined };
  }
  const vbri = p + 36;
  if (String.fromCharCode(...b.subarray(vbri, vbri + 4)) === 'VBRI') {
    const delay = (b[vbri + 6]! << 8) | b[vbri + 7]!;
    return { frames: u32(vbri + 14), encoderDelay: delay, encoderPadding: undefined };
  }
  return undefined;
}
