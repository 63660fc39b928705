import { id3v2Size } from '../id3';
import { DecodeError, type ByteSource } from '../types';

export interface SeekPoint {
  readonly sample: number;
  /** Byte offset from the first frame. */
  readonly offset: number;
}

export interface FlacStream {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** 0 in STREAMINFO means unknown. */
  readonly totalSamples: number | undefined;
  readonly minBlockSize: number;
  readonly maxBlockSize: number;
  /** 'fLaC' + STREAMINFO marked as the last block: what a decoder needs before any frame. */
  readonly header: Uint8Array;
  /** Byte offset of the first audio frame. */
  readonly audioStart: number;
  readonly seekPoints: readonly SeekPoint[];
}

/** Read the metadata blocks (skipping any ID3v2 tag some taggers put in front). */
export async function parseFlacStream(source: ByteSource): Promise<FlacStream> {
  const start = await id3v2Size(source);
  const magic = await source.read(start, 4);
  if (magic.length === 0) throw new DecodeError('empty', `${source.uri}: the file is empty`);
  if (magic.toString('latin1') !== 'fLaC') {
    throw new DecodeError('corrupt', `${source.uri}: not a FLAC stream (no fLaC marker at byte ${start})`, { byte: start });
  }
  let p = start + 4;
  let streamInfo: Buffer | undefined;
  let seekPoints: SeekPoint[] = [];
  for (;;) {
    const h = await source.read(p, 4);
    if (h.length < 4) throw new DecodeError('truncated', `${source.uri}: file ends inside the FLAC metadata`, { byte: p });
    const last = (h[0]! & 0x80) !== 0;
    const type = h[0]! & 0x7f;
    const length = h.readUIntBE(1, 3);
    if (type === 0) streamInfo = await source.read(p + 4, length);
    else if (type === 3) seekPoints = parseSeekTable(await source.read(p + 4, length));
    else if (type === 127) throw new DecodeError('corrupt', `${source.uri}: invalid FLAC metadata block type at byte ${p}`, { byte: p });
    p += 4 + length;
    if (last) break;
    if (source.size !== undefined && p > source.size) throw new DecodeError('truncated', `${source.uri}: file ends inside the FLAC metadata`, { byte: p });
  }
  if (!streamInfo || streamInfo.length < 34) throw new DecodeError('corrupt', `${source.uri}: FLAC STREAMINFO missing`, { byte: start + 4 });
  const minBlockSize = streamInfo.readUInt16BE(0);
  const maxBlockSize = streamInfo.readUInt16BE(2);
  const sampleRate = streamInfo.readUIntBE(10, 3) >> 4;
  const channels = ((streamInfo[12]! >> 1) & 7) + 1;
  const bitsPerSample = (((streamInfo[12]! & 1) << 4) | (streamInfo[13]! >> 4)) + 1;
  const totalSamples = (streamInfo[13]! & 15) * 2 ** 32 + streamInfo.readUInt32BE(14);
  if (sampleRate === 0) throw new DecodeError('corrupt', `${source.uri}: FLAC STREAMINFO has sample rate 0`);
  const header = new Uint8Array(4 + 4 + 34);
  header.set(Buffer.from('fLaC'), 0);
  header.set([0x80, 0, 0, 34], 4);
  header.set(streamInfo.subarray(0, 34), 8);
  return {
    sampleRate,
    channels,
    bitsPerSample,
    totalSamples: totalSamples || undefined,
    minBlockSize,
    maxBlockSize,
    header,
    audioStart: p,
    seekPoints,
  };
}

function parseSeekTable(b: Buffer): SeekPoint[] {
  const points: SeekPoint[] = [];
  for (let i = 0; i + 18 <= b.length; i += 18) {
    const high = b.readUInt32BE(i);
    if (high === 0xffffffff) continue; // placeholder point
    points.push({ sample: high * 2 ** 32 + b.readUInt32BE(i + 4), offset: Number(b.readBigUInt64BE(i + 8)) });
  }
  return points.sort((a, b) => a.sample - b.sample);
}
