/**
 * Lazy loaders for the wasm codecs. They are ES modules; a dynamic import keeps them out of
 * the start-up path (only the formats actually played are loaded) and works from both the
 * CommonJS bundle and tsx. The shapes below are the parts of their APIs this layer uses.
 */

export interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors?: { message: string }[];
}

export interface FlacWasm {
  ready: Promise<void>;
  reset(): Promise<void>;
  free(): void;
  decode(data: Uint8Array): Promise<WasmDecoded>;
  /** Whole frames, no parsing or buffering: each FLAC frame decodes on its own. */
  decodeFrames(frames: Uint8Array[]): Promise<WasmDecoded>;
  flush(): Promise<WasmDecoded>;
}

export interface MpegWasm {
  ready: Promise<void>;
  reset(): Promise<void>;
  free(): void;
  decode(data: Uint8Array): WasmDecoded;
  decodeFrame(frame: Uint8Array): WasmDecoded;
}

export interface VorbisWasm {
  ready: Promise<void>;
  reset(): Promise<void>;
  free(): void;
  decode(data: Uint8Array): Promise<WasmDecoded>;
  flush(): Promise<WasmDecoded>;
}

export interface SyncAudioDecoder {
  decode(data: Uint8Array | Uint8Array[]): { channelData: Float32Array[]; sampleRate: number };
  flush(): { channelData: Float32Array[]; sampleRate: number };
  free(): void;
}

export async function createFlacWasm(): Promise<FlacWasm> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder() as unknown as FlacWasm;
  await decoder.ready;
  return decoder;
}

interface FlacInstance {
  _common?: { wasm?: { create_decoder?(...pointers: number[]): number; destroy_decoder?(decoder: number): void } };
  _decoder: number;
  _channels: { ptr: number };
  _sampleRate: { ptr: number };
  _bitsPerSample: { ptr: number };
  _samplesDecoded: { ptr: number };
  _outputBufferPtr: { ptr: number };
  _outputBufferLen: { ptr: number };
  _errorStringPtr: { ptr: number };
  _stateStringPtr: { ptr: number };
}

/**
 * A fresh libFLAC decoder inside the same wasm instance: what the library's reset() does
 * (destroy_decoder, then create_decoder with the same result pointers) without
 * instantiating a new wasm module first (~10 ms and a new heap). Returns false when this
 * version of @wasm-audio-decoders/flac does not look as expected (use reset() then).
 */
export function renewFlacWasm(decoder: FlacWasm): boolean {
  const inner = (decoder as unknown as { _decoder?: FlacInstance })._decoder;
  const wasm = inner?._common?.wasm;
  if (!inner || !wasm?.create_decoder || !wasm.destroy_decoder || typeof inner._decoder !== 'number') return false;
  wasm.destroy_decoder(inner._decoder);
  inner._decoder = wasm.create_decoder(
    inner._channels.ptr,
    inner._sampleRate.ptr,
    inner._bitsPerSample.ptr,
    inner._samplesDecoded.ptr,
    inner._outputBufferPtr.ptr,
    inner._outputBufferLen.ptr,
    inner._errorStringPtr.ptr,
    inner._stateStringPtr.ptr,
  );
  return true;
}

export async function createMpegWasm(): Promise<MpegWasm> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  // Gapless trimming is done by this layer from the LAME tag, identically after seeks.
  const decoder = new MPEGDecoder({ enableGapless: false }) as unknown as MpegWasm;
  await decoder.ready;
  return decoder;
}

export async function createVorbisWasm(): Promise<VorbisWasm> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const decoder = new OggVorbisDecoder() as unknown as VorbisWasm;
  await decoder.ready;
  return decoder;
}

export async function createOpusWasm(): Promise<SyncAudioDecoder> {
  const { decoder } = await import('@audio/decode-opus');
  return (await decoder()) as SyncAudioDecoder;
}

export async function createAacWasm(asc: Uint8Array): Promise<SyncAudioDecoder> {
  const { decoder } = await import('@audio/decode-aac');
  return (await decoder({ asc })) as SyncAudioDecoder;
}
