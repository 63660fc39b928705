import { DecodeError } from '../types';
import { PlanarBuffer } from '../planar-buffer';
import { parseVorbisModes, vorbisBlockSize } from './vorbis-modes';

/** What the Ogg layer needs from a codec living inside it. */
export interface OggCodec {
  readonly codec: 'vorbis' | 'opus';
  readonly sampleRate: number;
  readonly channels: number;
  /** Granule positions minus this = track frames (Opus pre-skip; 0 for Vorbis). */
  readonly granuleOffset: number;
  /** How far before a seek target decoding must start for exact output. */
  readonly preroll: number;
  /** Samples a packet decodes to, when the codec can tell from the packet alone (Opus). */
  packetDuration?(packet: Uint8Array): number;
  /** Vorbis: the packet's block size (it decodes to (previous block + this block) / 4). */
  blockSize?(packet: Uint8Array): number;
  /** Forget all decoder state (after a seek); headers stay known. */
  restart(): Promise<void>;
  decode(packets: Uint8Array[]): { channelData: Float32Array[]; samplesDecoded: number; errors?: { message: string }[] };
  free(): void;
}

export const headerPacketCount = { vorbis: 3, opus: 2 } as const;

export function identifyOggCodec(first: Uint8Array): 'vorbis' | 'opus' | undefined {
  const text = String.fromCharCode(...first.subarray(0, 8));
  if (text === 'OpusHead') return 'opus';
  if (first[0] === 1 && text.slice(1, 7) === 'vorbis') return 'vorbis';
  return undefined;
}

interface VorbisInner {
  ready: Promise<void>;
  reset(): Promise<void>;
  free(): void;
  sendSetupHeader(data: Uint8Array): void;
  initDsp(): void;
  decodePackets(packets: Uint8Array[]): { channelData: Float32Array[]; samplesDecoded: number; errors: { message: string }[] };
  // What decodePackets itself uses (see decodeVorbisPackets).
  _common: { wasm: { HEAP: ArrayBuffer; decode_packets(decoder: number): void }; codeToString(pointer: number): string };
  _decoder: number;
  _input: { buf: Uint8Array };
  _inputLen: { buf: Uint32Array };
  _outputBufferPtr: { buf: Uint32Array };
  _samplesDecoded: { buf: Uint32Array };
  _errors: { buf: Uint32Array };
  _errorsLength: { buf: Int32Array };
}

/**
 * decodePackets without its two copies: the library copies each packet's output into fresh
 * arrays and then joins them (a quarter of the decode time, and the garbage). This copies
 * each packet's output once, straight from the wasm heap into one array per channel, sized
 * by `bound` (an upper bound on the samples these packets give). Same calls, same order.
 */
function decodeVorbisPackets(inner: VorbisInner, packets: Uint8Array[], output: PlanarBuffer, channels: number, bound: number) {
  let out = output.take(bound);
  const errors: { message: string }[] = [];
  const { wasm } = inner._common;
  let total = 0;
  for (const packet of packets) {
    inner._input.buf.set(packet);
    inner._inputLen.buf[0] = packet.length;
    wasm.decode_packets(inner._decoder);
    const samples = inner._samplesDecoded.buf[0]!;
    // Not expected (the bound is exact or above), but never worth a RangeError.
    if (total + samples > out[0]!.length) out = grow(out, total + samples, total);
    if (samples > 0) {
      const pointers = new Uint32Array(wasm.HEAP, inner._outputBufferPtr.buf[0], channels);
      for (let c = 0; c < channels; c++) out[c]!.set(new Float32Array(wasm.HEAP, pointers[c], samples), total);
      total += samples;
    }
    for (let i = 0; i < inner._errorsLength.buf[0]!; i += 2) {
      errors.push({ message: `${inner._common.codeToString(inner._errors.buf[i]!)} vorbis_synthesis${inner._common.codeToString(inner._errors.buf[i + 1]!)}` });
    }
    inner._errorsLength.buf[0] = 0;
  }
  return { channelData: out.map((c) => (total === c.length ? c : c.subarray(0, total))), samplesDecoded: total, errors };
}

/**
 * Vorbis via @wasm-audio-decoders/ogg-vorbis. Its public class parses Ogg itself and cannot
 * restart mid-stream, so we drive its packet-level decoder (`_decoder`: sendSetupHeader,
 * initDsp, decodePackets) with packets we assembled. Pinned by package-lock; the
 * vorbis.test.ts suite fails loudly if that inner API changes.
 */
export async function createVorbisCodec(headers: Uint8Array[], uri: string): Promise<OggCodec> {
  const ident = headers[0]!;
  const channels = ident[11]!;
  const sampleRate = new DataView(ident.buffer, ident.byteOffset).getUint32(12, true);
  if (!channels || !sampleRate) throw new DecodeError('corrupt', `${uri}: invalid Vorbis identification header`);
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
  const create = async (): Promise<VorbisInner> => {
    const outer = new OggVorbisDecoder() as unknown as { _decoder: VorbisInner; ready: Promise<void> };
    await outer.ready;
    const inner = outer._decoder;
    if (!inner || typeof inner.decodePackets !== 'function') {
      throw new DecodeError('unsupported', `${uri}: this @wasm-audio-decoders/ogg-vorbis version lacks the packet decoder`);
    }
    setup(inner);
    return inner;
  };
  const setup = (inner: VorbisInner) => {
    // The comment header is not needed for decoding (the library substitutes an empty one).
    inner.sendSetupHeader(headers[0]!);
    inner.sendSetupHeader(headers[2]!);
    inner.initDsp();
  };
  const modes = parseVorbisModes(headers[0]!, headers[2]!);
  const inner = await create();
  /**
   * A restart keeps the instance. libvorbis carries only the overlap from one packet to the
   * next (the previous block's right half and its size; window shapes are read from each
   * packet): so after a jump, the first packet's output mixes old and new audio, and from
   * the second packet on the output is what a fresh instance gives. A fresh instance
   * outputs nothing for its first packet; we decode that packet alone and drop its output,
   * which makes a restarted instance behave exactly like a fresh one. (A new instance, as
   * before, cost a wasm instantiation, the setup header's codebooks and GC: ~5-10 ms.)
   * After a decode error the instance is replaced after all, in case it is left in a bad state.
   */
  let primeNext = false;
  let damaged = false;
  let freed = false;
  // A packet gives (previous block + its block) / 4 samples: with the block sizes known, the
  // output arrays are sized exactly (a fresh instance's first packet gives none).
  const longBlock = 1 << (ident[28]! >> 4);
  let previousBlock = longBlock;
  const bound = (packets: Uint8Array[]) => {
    if (!modes) return (packets.length * longBlock) / 2;
    let n = 0;
    for (const p of packets) {
      const block = vorbisBlockSize(p, modes);
      n += (previousBlock + block) / 4;
      previousBlock = block;
    }
    return n;
  };
  // Chunks are borrowed (types.ts): one set of output arrays for the codec's life.
  const output = new PlanarBuffer(channels);
  const run = (packets: Uint8Array[]) => {
    const decoded = decodeVorbisPackets(inner, packets, output, channels, bound(packets));
    if (decoded.errors.length) damaged = true;
    return decoded;
  };
  return {
    codec: 'vorbis',
    sampleRate,
    channels,
    granuleOffset: 0,
    // Vorbis output is exact from the second packet after a restart: start one page early.
    preroll: 0,
    ...(modes ? { blockSize: (packet: Uint8Array) => vorbisBlockSize(packet, modes) } : {}),
    async restart() {
      if (damaged) {
        await inner.reset();
        setup(inner);
        damaged = false;
        primeNext = false;
      } else {
        primeNext = true;
      }
    },
    decode(packets) {
      if (!primeNext || packets.length === 0) return run(packets);
      primeNext = false;
      const primer = run(packets.slice(0, 1));
      const rest = packets.length > 1 ? run(packets.slice(1)) : { channelData: primer.channelData.map(() => new Float32Array(0)), samplesDecoded: 0, errors: [] };
      return primer.errors.length ? { ...rest, errors: [...primer.errors, ...rest.errors] } : rest;
    },
    free() {
      if (freed) return;
      freed = true;
      inner.free();
    },
  };
}

interface OpusPacketDecoder {
  configure(options: Record<string, unknown>): void;
  decodeFrames(frames: Uint8Array[]): { channelData: Float32Array[]; samplesDecoded: number; errors: { message: string }[] };
  unconfigure(): void;
  free(): void;
}

/** What OpusDecoder.decodeFrames itself uses (@audio/decode-opus/core, pinned by package-lock). */
interface OpusInner {
  module?: {
    HEAPU8: Uint8Array;
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _audio_opus_decode?(handle: number, input: number, length: number): number;
    _audio_opus_output?(handle: number): number;
  };
  handle?: number;
  input?: number;
  capacity?: number;
  channels?: number;
}

/**
 * decodeFrames without its two copies (each packet's output sliced out of the wasm heap per
 * channel, then all joined into new arrays): the same calls in the same order, each packet's
 * planar output copied once into `output`'s arrays. Undefined when this version of the
 * library does not look as expected: use decodeFrames() then (opus.test.ts compares with
 * libopus through ffmpeg on this path).
 */
function decodeOpusPackets(decoder: OpusPacketDecoder, packets: Uint8Array[], output: PlanarBuffer) {
  const inner = decoder as unknown as OpusInner;
  const module = inner.module;
  const channels = inner.channels ?? 0;
  if (!module?._audio_opus_decode || !module._audio_opus_output || !inner.handle || typeof inner.capacity !== 'number' || channels <= 0) return undefined;
  let bound = 0;
  for (const packet of packets) bound += opusPacketDuration(packet);
  let out = output.take(bound);
  const errors: { message: string }[] = [];
  let total = 0;
  for (const packet of packets) {
    if (packet.length > inner.capacity) {
      const input = module._malloc(packet.length);
      if (!input) throw new Error('Unable to allocate Opus input buffer');
      if (inner.input) module._free(inner.input);
      inner.input = input;
      inner.capacity = packet.length;
    }
    if (packet.length) module.HEAPU8.set(packet, inner.input);
    const decoded = module._audio_opus_decode(inner.handle, inner.input ?? 0, packet.length);
    if (decoded < 0) {
      errors.push({ message: `libopus ${decoded}` });
      continue;
    }
    if (decoded === 0) continue;
    if (total + decoded > out[0]!.length) out = grow(out, total + decoded, total); // a TOC that undercounts
    // HEAPF32 is read after the call: the heap may have grown (and been replaced) in it.
    const offset = module._audio_opus_output(inner.handle) >> 2;
    for (let c = 0; c < channels; c++) out[c]!.set(module.HEAPF32.subarray(offset + c * decoded, offset + (c + 1) * decoded), total);
    total += decoded;
  }
  return { channelData: out.map((c) => (total === c.length ? c : c.subarray(0, total))), samplesDecoded: total, errors };
}

/** Fresh arrays of `length` holding the first `keep` samples of `arrays` (a bound proved short). */
function grow(arrays: Float32Array[], length: number, keep: number): Float32Array[] {
  return arrays.map((c) => {
    const grown = new Float32Array(2 * length);
    grown.set(c.subarray(0, keep));
    return grown;
  });
}

/** Opus via @audio/decode-opus's packet decoder (libopus). Always 48 kHz output. */
export async function createOpusCodec(headers: Uint8Array[], uri: string): Promise<OggCodec> {
  const head = headers[0]!;
  if (head.length < 19) throw new DecodeError('corrupt', `${uri}: OpusHead too short`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const channels = head[9]!;
  const preSkip = view.getUint16(10, true);
  const outputGain = view.getInt16(16, true);
  const family = head[18]!;
  const options: Record<string, unknown> = { sampleRate: 48000, channels, outputGain, preSkip: 0 };
  if (family !== 0) {
    if (head.length < 21 + channels) throw new DecodeError('corrupt', `${uri}: OpusHead channel mapping too short`);
    options.streamCount = head[19];
    options.coupledStreamCount = head[20];
    options.channelMappingTable = [...head.subarray(21, 21 + channels)];
  }
  // Chunks are borrowed (types.ts): one set of output arrays for the codec's life.
  const output = new PlanarBuffer(channels);
  const { createOpusDecoder } = await import('@audio/decode-opus/core');
  const decoder = (await createOpusDecoder()) as unknown as OpusPacketDecoder;
  try {
    decoder.configure(options);
  } catch (error) {
    decoder.free();
    throw new DecodeError('unsupported', `${uri}: Opus stream not supported: ${(error as Error).message}`);
  }
  return {
    codec: 'opus',
    sampleRate: 48000,
    channels,
    // Pre-skip is trimmed here (decoder configured with 0) so that seeks and full decodes
    // place samples identically.
    granuleOffset: preSkip,
    // RFC 7845 §4.6 asks for ≥ 80 ms before the target, enough to sound right; to give the
    // same samples as a full decode (±1 LSB) libopus needed more here: 200 ms still left
    // 10 LSB at one position in the tests, 400 ms none.
    preroll: 19200,
    packetDuration: opusPacketDuration,
    async restart() {
      decoder.configure(options); // configure() recreates the libopus state
    },
    decode: (packets) => decodeOpusPackets(decoder, packets, output) ?? decoder.decodeFrames(packets),
    free: () => decoder.free(),
  };
}

/** RFC 6716 §3.1: samples at 48 kHz in an Opus packet, from its TOC byte (and frame count byte). */
export function opusPacketDuration(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0]!;
  const config = toc >> 3;
  let frameSize: number;
  if (config < 12) frameSize = [480, 960, 1920, 2880][config & 3]!; // SILK 10/20/40/60 ms
  else if (config < 16) frameSize = [480, 960][config & 1]!; // hybrid 10/20 ms
  else frameSize = [120, 240, 480, 960][config & 3]!; // CELT 2.5/5/10/20 ms
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frameSize * frames;
}
