import type { IDisposable } from '../base/lifecycle';

/**
 * Where a decoder's bytes come from. Local files are read with positional reads; HTTP
 * sources (later) implement the same shape, so decoders never care where bytes live.
 */
export interface ByteSource extends IDisposable {
  /** A path or URL, for messages. */
  readonly uri: string;
  /** Total length in bytes, or undefined for a live stream without a length. */
  readonly size: number | undefined;
  /**
   * Read up to `length` bytes at `offset` into a fresh buffer (decoders rely on fresh
   * buffers: platform facts §4). Returns fewer bytes only at the end of the source.
   */
  read(offset: number, length: number): Promise<Buffer>;
  /**
   * Optional: read into `target` (from its start, up to its length) at `offset`; returns the
   * bytes read, fewer only at the end of the source. For decoders that copy the bytes out
   * before their next read (WAV, MP3) and so can reuse one buffer instead of a fresh one per
   * read.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
}

export type Codec = 'mp3' | 'flac' | 'vorbis' | 'opus' | 'wav' | 'aac' | 'alac';

export interface AudioFormat {
  readonly codec: Codec;
  readonly sampleRate: number;
  readonly channels: number;
  /** Exact length in frames after gapless trimming, when the file tells it. */
  readonly totalFrames: number | undefined;
  /** Bits per sample of the source for lossless/PCM formats. */
  readonly bitsPerSample: number | undefined;
  readonly lossless: boolean;
}

/**
 * Decoded PCM: planar float32 in [-1, 1], one array per channel, all the same length.
 *
 * Borrowed, not owned: the arrays may be views of the decoder's own output buffers, which it
 * overwrites on its next read() or seek() and frees on dispose(). A consumer that keeps
 * samples past that copies them (the engine's pipe does, into recycled buffers). Reusing the
 * buffers is what keeps decoding from allocating (and page-faulting in) ~350 KB of fresh
 * arrays per second of stereo audio: measured, that was 10-20 % of a decode's CPU time.
 */
export interface PcmChunk {
  /** Frame index (from the start of the track) of the first frame in this chunk. */
  readonly frame: number;
  readonly channels: readonly Float32Array[];
}

export interface Decoder extends IDisposable {
  readonly format: AudioFormat;
  /** The next chunk, or null at the end of the track. Valid until the next call on this decoder. */
  read(): Promise<PcmChunk | null>;
  /** After seek(f), the next read() starts exactly at frame f of a full decode. */
  seek(frame: number): Promise<void>;
  /** Frees the wasm decoder and the byte source. Idempotent. */
  dispose(): void;
}

export type DecodeErrorCode = 'unsupported' | 'corrupt' | 'truncated' | 'empty' | 'io';

/** Every decode failure is one of these, with a message a person can act on. */
export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
    /** Byte offset or frame where the failure was detected, when known. */
    readonly at?: { byte?: number; frame?: number },
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}
