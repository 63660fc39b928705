import { DecodeError, type ByteSource } from '../types';

export type WavSampleKind = 'int' | 'float';

export interface WavLayout {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  readonly kind: WavSampleKind;
  /** Bytes per frame (all channels), from the header's block align. */
  readonly blockAlign: number;
  /** Byte offset of the first sample. */
  readonly dataOffset: number;
  /** Whole frames available (a data chunk cut short by truncation counts what is there). */
  readonly frames: number;
  /** True when the data chunk claims more bytes than the file holds. */
  readonly truncated: boolean;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Walk the RIFF chunks up to `data`, reading only headers (a few small reads). */
export async function parseWav(source: ByteSource): Promise<WavLayout> {
  const size = source.size ?? Number.MAX_SAFE_INTEGER;
  const head = await source.read(0, 12);
  if (head.length < 12) {
    throw new DecodeError(head.length === 0 ? 'empty' : 'truncated', `${source.uri}: too short for a WAV header`);
  }
  const riff = head.toString('latin1', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64') || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new DecodeError('corrupt', `${source.uri}: not a RIFF/WAVE file`, { byte: 0 });
  }
  let offset = 12;
  let fmt: Omit<WavLayout, 'dataOffset' | 'frames' | 'truncated'> | undefined;
  let ds64DataSize: number | undefined;
  while (offset + 8 <= size) {
    const header = await source.read(offset, 8);
    if (header.length < 8) break;
    const id = header.toString('latin1', 0, 4);
    let chunkSize = header.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'ds64') {
      const ds = await source.read(body, 28);
      ds64DataSize = Number(ds.readBigUInt64LE(8));
    } else if (id === 'fmt ') {
      fmt = parseFmt(await source.read(body, Math.min(chunkSize, 64)), source.uri, body);
    } else if (id === 'data') {
      if (!fmt) throw new DecodeError('corrupt', `${source.uri}: data chunk before fmt chunk`, { byte: offset });
      if (chunkSize === 0xffffffff && ds64DataSize !== undefined) chunkSize = ds64DataSize;
      const available = Math.max(0, size - body);
      // Streams written without knowing their length put 0 or 0xFFFFFFFF here.
      const declared = chunkSize === 0 || chunkSize === 0xffffffff ? available : chunkSize;
      const bytes = Math.min(declared, available);
      return {
        ...fmt,
        dataOffset: body,
        frames: Math.floor(bytes / fmt.blockAlign),
        truncated: declared > available,
      };
    }
    offset = body + chunkSize + (chunkSize & 1); // chunks are word aligned
  }
  throw new DecodeError(fmt ? 'truncated' : 'corrupt', `${source.uri}: no ${fmt ? 'data' : 'fmt '} chunk found`, {
    byte: offset,
  });
}

function parseFmt(b: Buffer, uri: string, at: number): Omit<WavLayout, 'dataOffset' | 'frames' | 'truncated'> {
  if (b.length < 16) throw new DecodeError('corrupt', `${uri}: fmt chunk too short`, { byte: at });
  let tag = b.readUInt16LE(0);
  const channels = b.readUInt16LE(2);
  const sampleRate = b.readUInt32LE(4);
  const blockAlign = b.readUInt16LE(12);
  let bitsPerSample = b.readUInt16LE(14);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (b.length < 40) throw new DecodeError('corrupt', `${uri}: WAVE_FORMAT_EXTENSIBLE fmt chunk too short`, { byte: at });
    // The sub-format GUID's first two bytes are the real format tag; the container size
    // stays in bitsPerSample and the meaningful bits in wValidBitsPerSample.
    tag = b.readUInt16LE(24);
  }
  let kind: WavSampleKind;
  if (tag === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) kind = 'int';
  else if (tag === WAVE_FORMAT_IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) kind = 'float';
  else {
    throw new DecodeError('unsupported', `${uri}: WAV format tag 0x${tag.toString(16)} with ${bitsPerSample}-bit samples is not supported`);
  }
  if (channels < 1 || sampleRate < 1 || blockAlign !== channels * (bitsPerSample / 8)) {
    throw new DecodeError('corrupt', `${uri}: inconsistent WAV fmt chunk (channels ${channels}, rate ${sampleRate}, block ${blockAlign})`, {
      byte: at,
    });
  }
  bitsPerSample = Math.max(8, bitsPerSample);
  return { sampleRate, channels, bitsPerSample, kind, blockAlign };
}
