import { FileByteSource } from './byte-source';
import { codecOf, containerFromExtension, sniffContainer, type ContainerKind } from './sniff';
import { DecodeError, type ByteSource, type Decoder } from './types';
import { FlacDecoder } from './flac/decoder';
import { Mp3Decoder } from './mp3/decoder';
import { Mp4Decoder } from './mp4/decoder';
import { OggDecoder } from './ogg/decoder';
import { ResamplingDecoder } from './resample';
import { SerialDecoder } from './serial';
import { WavDecoder } from './wav/decoder';

export * from './types';
export { FileByteSource, MemoryByteSource } from './byte-source';
export { sniffContainer, type ContainerKind } from './sniff';
export { Resampler, ResamplingDecoder } from './resample';

export interface OpenDecoderOptions {
  /** Use this container instead of sniffing (rarely needed; sniffing handles mislabelled files). */
  readonly container?: ContainerKind;
  /**
   * Deliver PCM at this rate (the device's), resampling when the track differs. The format
   * then reports this rate and totalFrames at this rate; seek() takes frames at this rate.
   */
  readonly sampleRate?: number;
}

type Opener = (source: ByteSource) => Promise<Decoder>;

const openers: Partial<Record<ContainerKind, Opener>> = {
  wav: (s) => WavDecoder.open(s),
  flac: (s) => FlacDecoder.open(s),
  mp3: (s) => Mp3Decoder.open(s),
  'ogg-vorbis': (s) => OggDecoder.open(s),
  'ogg-opus': (s) => OggDecoder.open(s),
  mp4: (s) => Mp4Decoder.open(s),
};

/** Add or replace a container opener (e.g. a later HTTP-stream or ALAC module). The wasm codecs themselves load lazily, on first open. */
export function registerOpener(kind: ContainerKind, opener: Opener): void {
  openers[kind] = opener;
}

/**
 * Open a decoder for a file path or a ByteSource. The format comes from the magic bytes,
 * then the extension. The decoder owns the source from here on: disposing the decoder
 * closes it, and if opening fails the source is disposed before the error is thrown.
 * Failures are always a DecodeError. Calls may overlap: they run in order (SerialDecoder).
 */
export async function openDecoder(source: ByteSource | string, options: OpenDecoderOptions = {}): Promise<Decoder> {
  const bytes = typeof source === 'string' ? await FileByteSource.open(source) : source;
  try {
    const kind = options.container ?? (await detectContainer(bytes));
    const opener = openers[kind];
    if (!opener) throw new DecodeError('unsupported', `${bytes.uri}: ${codecOf(kind)} decoding is not available`);
    const decoder = await opener(bytes);
    if (options.sampleRate === undefined || options.sampleRate === decoder.format.sampleRate) return new SerialDecoder(decoder);
    try {
      return new SerialDecoder(new ResamplingDecoder(decoder, options.sampleRate));
    } catch (error) {
      decoder.dispose();
      throw new DecodeError('unsupported', `${bytes.uri}: cannot resample ${decoder.format.sampleRate} Hz to ${options.sampleRate} Hz: ${(error as Error).message}`);
    }
  } catch (error) {
    bytes.dispose();
    if (error instanceof DecodeError) throw error;
    throw new DecodeError('corrupt', `${bytes.uri}: ${(error as Error)?.message ?? String(error)}`);
  }
}

async function detectContainer(source: ByteSource): Promise<ContainerKind> {
  if (source.size === 0) throw new DecodeError('empty', `${source.uri}: the file is empty (0 bytes)`);
  let head = await source.read(0, 4096);
  if (head.length === 0) throw new DecodeError('empty', `${source.uri}: the file is empty (0 bytes)`);
  let kind = sniffContainer(head);
  // An ID3v2 tag may front any format (FLAC files sometimes carry one): look past it.
  if (kind === 'mp3' && head.toString('latin1', 0, 3) === 'ID3' && head.length >= 10) {
    const tagEnd = 10 + synchsafe(head, 6) + (head[5]! & 0x10 ? 10 : 0);
    head = await source.read(tagEnd, 4096);
    kind = sniffContainer(head) ?? 'mp3';
  }
  kind ??= containerFromExtension(source.uri);
  if (!kind) throw new DecodeError('unsupported', `${source.uri}: not a recognised audio format (unknown magic bytes and extension)`);
  return kind;
}

function synchsafe(b: Uint8Array, at: number): number {
  return ((b[at]! & 0x7f) << 21) | ((b[at + 1]! & 0x7f) << 14) | ((b[at + 2]! & 0x7f) << 7) | (b[at + 3]! & 0x7f);
}
