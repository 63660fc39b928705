/**
 * Lazy loaders for the wasm codecs. They are ES modules; a dynamic import keeps them out of
 * the start-up path (only the formats actually played are loaded) and works from both the
 * CommonJS bundle and tsx. The shapes below are the parts of their APIs this layer uses.
 */

import type { PlanarBuffer } from './planar-buffer';

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

/** A 32-bit result slot the library allocated in the wasm heap: its address and a view of it. */
interface FlacSlot {
  readonly ptr: number;
  readonly buf: Uint32Array;
}

/**
 * The parts of @wasm-audio-decoders/flac's inner decoder that renewFlacWasm and flacDecodeInto
 * use (pinned by package-lock). Optional, so each function can check they are there.
 */
interface FlacInner {
  _common?: {
    wasm?: {
      HEAP?: ArrayBuffer;
      malloc?(bytes: number): number;
      free?(ptr: number): void;
      create_decoder?(...pointers: number[]): number;
      destroy_decoder?(decoder: number): void;
      decode_frame?(decoder: number, input: number, length: number): number;
    };
    codeToString?(ptr: number): string;
  };
  _decoder: number;
  _MAX_INPUT_SIZE?: number;
  _channels?: FlacSlot;
  _sampleRate?: FlacSlot;
  _bitsPerSample?: FlacSlot;
  _samplesDecoded?: FlacSlot;
  _outputBufferPtr?: FlacSlot;
  _outputBufferLen?: FlacSlot;
  _errorStringPtr?: FlacSlot;
  _stateStringPtr?: FlacSlot;
}

function flacInner(decoder: FlacWasm): FlacInner | undefined {
  return (decoder as unknown as { _decoder?: FlacInner })._decoder;
}

/**
 * A fresh libFLAC decoder inside the same wasm instance: what the library's reset() does
 * (destroy_decoder, then create_decoder with the same result pointers) without
 * instantiating a new wasm module first (~10 ms and a new heap). Returns false when this
 * version of @wasm-audio-decoders/flac does not look as expected (use reset() then).
 */
export function renewFlacWasm(decoder: FlacWasm): boolean {
  const inner = flacInner(decoder);
  const wasm = inner?._common?.wasm;
  if (!inner || !wasm?.create_decoder || !wasm.destroy_decoder || typeof inner._decoder !== 'number') return false;
  const slots = [
    inner._channels,
    inner._sampleRate,
    inner._bitsPerSample,
    inner._samplesDecoded,
    inner._outputBufferPtr,
    inner._outputBufferLen,
    inner._errorStringPtr,
    inner._stateStringPtr,
  ];
  if (slots.some((slot) => typeof slot?.ptr !== 'number')) return false;
  wasm.destroy_decoder(inner._decoder);
  inner._decoder = wasm.create_decoder(...slots.map((slot) => slot!.ptr));
  return true;
}

/**
 * FLACDecoder.decodeFrames without its two copies: the library slices each frame's output
 * out of the wasm heap into fresh per-channel arrays, then joins them all into new arrays.
 * This makes the same calls in the same order (a freshly malloc'd input per call, as the
 * library does: decode_frame takes it over; §4 of the platform facts) and copies each frame's
 * output once, straight into `out` (planar, zero-filled, sized by the caller) from sample 0.
 * Returns the samples decoded per channel (output past the end of `out` is dropped) and
 * libFLAC's error messages, or undefined when this version of @wasm-audio-decoders/flac does
 * not look as expected: use decodeFrames() then (pinned by package-lock; flac.test.ts
 * compares with ffmpeg through this path).
 */
export function flacDecodeInto(decoder: FlacWasm, frames: readonly Uint8Array[], out: readonly Float32Array[]): { samples: number; errors: string[] } | undefined {
  const inner = flacInner(decoder);
  const common = inner?._common;
  const wasm = common?.wasm;
  if (!inner || !common?.codeToString || !wasm?.malloc || !wasm.free || !wasm.decode_frame || !(wasm.HEAP instanceof ArrayBuffer)) return undefined;
  const { _channels: channelsPtr, _samplesDecoded: samplesPtr, _outputBufferPtr: outPtr, _outputBufferLen: outLen } = inner;
  const { _errorStringPtr: errorPtr, _stateStringPtr: statePtr, _MAX_INPUT_SIZE: maxInput } = inner;
  if (!channelsPtr || !samplesPtr || !outPtr || !outLen || !errorPtr || !statePtr || typeof maxInput !== 'number' || maxInput <= 0) return undefined;
  const errors: string[] = [];
  let written = 0;
  let decoded = 0;
  for (const frame of frames) {
    for (let offset = 0; offset < frame.length; ) {
      const piece = frame.subarray(offset, offset + maxInput);
      offset += piece.length;
      const input = wasm.malloc(piece.length);
      // HEAP may be replaced when the heap grows: read it after each malloc and call.
      new Uint8Array(wasm.HEAP, input, piece.length).set(piece);
      wasm.decode_frame(inner._decoder, input, piece.length);
      const messages: string[] = [];
      if (errorPtr.buf[0]) messages.push('Error: ' + common.codeToString(errorPtr.buf[0]));
      if (statePtr.buf[0]) messages.push('State: ' + common.codeToString(statePtr.buf[0]));
      if (messages.length) errors.push(messages.join('; '));
      const samples = samplesPtr.buf[0]!;
      const channels = channelsPtr.buf[0]!;
      decoded += samples;
      const output = outPtr.buf[0]!;
      const fit = Math.min(samples, (out[0]?.length ?? 0) - written);
      if (fit > 0) {
        const heap = new Float32Array(wasm.HEAP, output, channels * samples);
        for (let c = 0; c < out.length && c < channels; c++) out[c]!.set(heap.subarray(c * samples, c * samples + fit), written);
        written += fit;
      }
      wasm.free(output);
      outLen.buf[0] = 0;
      samplesPtr.buf[0] = 0;
    }
  }
  return { samples: decoded, errors };
}

export async function createMpegWasm(): Promise<MpegWasm> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  // Gapless trimming is done by this layer from the LAME tag, identically after seeks.
  const decoder = new MPEGDecoder({ enableGapless: false }) as unknown as MpegWasm;
  await decoder.ready;
  return decoder;
}

/** What MPEGDecoder.decode itself uses (see mpegDecodeInto). */
interface MpegInner {
  _common?: {
    wasm?: {
      mpeg_decoder_feed?(decoder: number, input: number, length: number): number;
      mpeg_decoder_read?(decoder: number, output: number, length: number, samples: number, sampleRate: number, error: number): number;
    };
  };
  _decoder: number;
  _input?: { buf: Uint8Array; ptr: number; len: number };
  _output?: { buf: Float32Array; ptr: number; len: number };
  _samplesDecodedPtr?: { buf: Uint32Array; ptr: number };
  _sampleRatePtr?: { ptr: number };
  _errorStringPtr?: { ptr: number };
}

const MPG123_NEED_MORE = -10;
const MPG123_NEW_FORMAT = -11;

/**
 * MPEGDecoder.decode without its two copies: the library slices each frame's output out of
 * the wasm heap into two fresh arrays, then joins them all into new arrays. This makes the
 * same feed/read calls in the same order and copies each frame's output once, straight into
 * `out` (two planar channels, zero-filled, sized by the caller) from sample 0. Returns the
 * samples written per channel (output past the end of `out` is dropped), or undefined when
 * this version of mpg123-decoder does not look as expected: use decode() then (pinned by
 * package-lock; mp3.test.ts compares with ffmpeg through this path).
 */
export function mpegDecodeInto(decoder: MpegWasm, data: Uint8Array, out: readonly [Float32Array, Float32Array]): number | undefined {
  const inner = decoder as unknown as MpegInner;
  const wasm = inner._common?.wasm;
  const { _input: input, _output: output, _samplesDecodedPtr: samplesPtr, _sampleRatePtr: ratePtr, _errorStringPtr: errorPtr } = inner;
  if (!wasm?.mpeg_decoder_feed || !wasm.mpeg_decoder_read || !input || !output || !samplesPtr || !ratePtr || !errorPtr) return undefined;
  const [left, right] = out;
  let written = 0;
  for (let offset = 0; offset < data.length; ) {
    const piece = data.subarray(offset, offset + input.len);
    offset += piece.length;
    input.buf.set(piece);
    let status = wasm.mpeg_decoder_feed(inner._decoder, input.ptr, piece.length);
    if (status === MPG123_NEED_MORE) continue;
    // Like the library: read until mpg123 needs more input. It logs and skips other errors
    // (damaged frames); the caller sees them as missing samples. A bound on them keeps a
    // misbehaving codec from spinning here.
    for (let errors = 0; errors < 64; ) {
      samplesPtr.buf[0] = 0;
      status = wasm.mpeg_decoder_read(inner._decoder, output.ptr, output.len, samplesPtr.ptr, ratePtr.ptr, errorPtr.ptr);
      const samples = samplesPtr.buf[0]!;
      const fit = Math.min(samples, left.length - written);
      if (fit > 0) {
        left.set(output.buf.subarray(0, fit), written);
        right.set(output.buf.subarray(samples, samples + fit), written);
        written += fit;
      }
      if (status === MPG123_NEED_MORE) break;
      if (status !== 0 && status !== MPG123_NEW_FORMAT) errors++;
    }
  }
  return written;
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

/** What AACDecoder (@audio/decode-aac) itself uses to decode raw access units (see aacDecodeInto). */
interface AacInner {
  /** The emscripten module (one per process, shared by every AACDecoder). */
  m?: {
    _aac_decode?(handle: number, input: number, length: number): number;
    _aac_samples?(): number;
    _aac_channels?(): number;
    HEAPU8?: Uint8Array;
    HEAPF32?: Float32Array;
  };
  h?: number | null;
  done?: boolean;
  _raw?: boolean;
  _alac?: unknown;
  _gap?: unknown;
  /** Output channel j takes decoded channel _order[j] (AAC's centre-first layouts to WAV order). */
  _order?: readonly number[];
  /** The decoder's input buffer in the wasm heap, grown to `length` bytes when needed. */
  _alloc?(length: number): number;
}

/**
 * AACDecoder.decode (raw access units) without its copies: per unit the library slices the
 * interleaved output out of the wasm heap, then deinterleaves all units into fresh arrays.
 * This copies `run` (units first..last-1 back to back, sizes[u] bytes each) into the
 * library's input buffer once, makes the same _aac_decode calls in the same order and
 * deinterleaves each unit's output straight from the heap into `out` after out.frames, in the
 * library's channel order (for 3-6 channels), fixing the channel count as fitChannels does.
 * Stops at the first unit FAAD2 rejects (the library would skip it and close the gap, so
 * everything after would play early) and returns its index; `last` when all decoded. A fresh
 * codec gives nothing for its first unit (it withholds one unit of output) without an error:
 * `fresh` says `first` is that unit, not damage. Undefined
 * when this version of @audio/decode-aac does not look as expected (or the decoder has ALAC or
 * a gapless window, which this does not do): use decode() then (pinned by package-lock;
 * aac.test.ts compares with ffmpeg through this path).
 */
export function aacDecodeInto(
  decoder: SyncAudioDecoder,
  run: Uint8Array,
  sizes: ArrayLike<number>,
  first: number,
  last: number,
  out: PlanarBuffer,
  fresh: boolean,
): number | undefined {
  const inner = decoder as unknown as AacInner;
  const m = inner.m;
  const handle = inner.h;
  // The module object has hundreds of properties (slow lookups): take the functions once.
  const decode = m?._aac_decode;
  const samples = m?._aac_samples;
  const channelCount = m?._aac_channels;
  if (!m || !decode || !samples || !channelCount || typeof handle !== 'number' || typeof inner._alloc !== 'function') return undefined;
  if (inner.done || inner._raw !== true || inner._alac || inner._gap) return undefined;
  const input = inner._alloc(run.length);
  // The heap views are replaced when the heap grows: read them after each call that may allocate.
  if (!(m.HEAPU8 instanceof Uint8Array) || !(m.HEAPF32 instanceof Float32Array)) return undefined;
  m.HEAPU8.set(run, input);
  for (let u = first, at = input; u < last; at += sizes[u++]!) {
    const size = sizes[u]!;
    if (size === 0) continue; // the library drops empty units before decoding
    const output = decode(handle, at, size);
    if (!output) {
      if (fresh && u === first) continue;
      return u;
    }
    const channels = channelCount() || out.channels.length;
    const frames = samples() / channels;
    const heap = m.HEAPF32;
    const order = inner._order?.length === channels ? inner._order : undefined;
    out.reserve(frames);
    if (channels === 2 && out.channels.length === 2 && !order) deinterleaveStereo(heap, output >> 2, frames, out.channels[0]!, out.channels[1]!, out.frames);
    else deinterleave(heap, output >> 2, channels, frames, order, out.channels, out.frames);
    out.frames += frames;
  }
  return last;
}

function deinterleaveStereo(heap: Float32Array, base: number, frames: number, left: Float32Array, right: Float32Array, at: number): void {
  for (let s = 0, i = base; s < frames; s++, i += 2) {
    left[at + s] = heap[i]!;
    right[at + s] = heap[i + 1]!;
  }
}

/** Any layout into `outs`, with fitChannels' rules when the counts differ (mono to all, all to mono, drop or zero-fill). */
function deinterleave(
  heap: Float32Array,
  base: number,
  channels: number,
  frames: number,
  order: readonly number[] | undefined,
  outs: readonly Float32Array[],
  at: number,
): void {
  if (outs.length === 1 && channels > 1) {
    // The mean in output channel order, rounded to float32 after each term as fitChannels' sum is.
    const mono = outs[0]!;
    for (let s = 0; s < frames; s++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum = Math.fround(sum + heap[base + s * channels + (order ? order[c]! : c)]! / channels);
      mono[at + s] = sum;
    }
    return;
  }
  for (let c = 0; c < outs.length; c++) {
    const target = outs[c]!;
    if (channels !== 1 && c >= channels) {
      target.fill(0, at, at + frames);
      continue;
    }
    const k = base + (channels === 1 ? 0 : order ? order[c]! : c);
    for (let s = 0, i = k; s < frames; s++, i += channels) target[at + s] = heap[i]!;
  }
}
