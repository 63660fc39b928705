import { AudioSink, PcmFormat, framesOf } from './sink';
import { NaudiodonBinding, NaudiodonDevice, NaudiodonStream } from './native-binding';

/**
 * PortAudio output through naudiodon's binding, with its defects worked around (platform
 * facts §2): 16-bit samples (not the 8-bit default), closeOnError false (a pause must not
 * destroy the stream), quit('ABORT') to stop (abort() throws).
 *
 * naudiodon has no latency query and no way to ask how much is still queued. write() resolves
 * when its chunk entered a queue of `maxQueue` chunks, which the PortAudio callback drains; so
 * once writes block, `maxQueue + 1` chunks (the queue plus the one being played) are ahead of
 * the playhead, plus the device's own output latency. consumedFrames() anchors on that each
 * time a write resolves and runs a clock at the sample rate in between (cmus: position = frames
 * consumed), never ahead of what was written.
 */

/** Frames per write(): 1024 at 44.1 kHz ≈ 23 ms. With MAX_QUEUE 3, ~93 ms sits ahead of the
 * playhead: small enough that pause and seek are heard quickly, large enough to ride out a
 * garbage-collection pause in this process. */
const WRITE_MS = 23;
const MAX_QUEUE = 3;
const FRAMES_PER_BUFFER = 512;

export interface NaudiodonSinkOptions {
  readonly deviceName: string | undefined;
}

export function listOutputDevices(binding: NaudiodonBinding): NaudiodonDevice[] {
  return binding.getDevices().filter((d) => d.maxOutputChannels > 0);
}

/** Exact name first, then a case-insensitive substring; throws listing what exists. */
export function findDevice(devices: readonly NaudiodonDevice[], name: string): NaudiodonDevice {
  const exact = devices.find((d) => d.name === name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const partial = devices.find((d) => d.name.toLowerCase().includes(lower));
  if (partial) return partial;
  const names = devices.map((d) => `'${d.name}'`).join(', ') || 'none';
  throw new Error(`No output device named '${name}'. Devices: ${names}`);
}

export class NaudiodonSink implements AudioSink {
  readonly name: string;
  readonly needsContinuousFeed = true;
  readonly writeFrames: number;
  private readonly stream: NaudiodonStream;
  private readonly aheadFrames: number;
  private readonly latencyFrames: number;
  private written = 0;
  private anchorTime = 0;
  private anchorConsumed = 0;
  private closed: Promise<void> | undefined;

  constructor(binding: NaudiodonBinding, readonly format: PcmFormat, options: NaudiodonSinkOptions) {
    let device: NaudiodonDevice | undefined;
    const devices = listOutputDevices(binding);
    if (options.deviceName !== undefined) device = findDevice(devices, options.deviceName);
    const latency = device?.defaultLowOutputLatency ?? devices.find((d) => d.name === 'default')?.defaultLowOutputLatency ?? 0;
    this.latencyFrames = Math.round(latency * format.sampleRate);
    this.writeFrames = Math.max(256, Math.round((format.sampleRate * WRITE_MS) / 1000));
    this.aheadFrames = (MAX_QUEUE + 1) * this.writeFrames + this.latencyFrames;
    this.name = `naudiodon: ${device?.name ?? 'default device'}`;
    this.stream = binding.create({
      outOptions: {
        ...(device ? { deviceId: device.id } : {}),
        sampleRate: format.sampleRate,
        channelCount: format.channels,
        sampleFormat: 16,
        maxQueue: MAX_QUEUE,
        framesPerBuffer: FRAMES_PER_BUFFER,
        closeOnError: false,
      },
    });
    this.stream.start();
    this.anchorTime = performance.now();
  }

  get writtenFrames(): number {
    return this.written;
  }

  consumedFrames(): number {
    const elapsed = ((performance.now() - this.anchorTime) * this.format.sampleRate) / 1000;
    // The native queue cannot hold more than `aheadFrames`, so that much behind what was written
    // is a hard floor (it is what tracks a device faster than real time, like ALSA's file plugin).
    const floor = this.written - this.aheadFrames;
    const ceiling = this.written - this.latencyFrames;
    return Math.max(0, floor, Math.min(ceiling, Math.floor(this.anchorConsumed + elapsed)));
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.closed) return;
    const before = this.consumedFrames();
    const started = performance.now();
    const error = await this.stream.write(pcm);
    if (typeof error === 'string' && error.length > 0) throw new Error(`Audio output failed: ${error}`);
    this.written += framesOf(pcm.length, this.format.channels);
    const now = performance.now();
    // A write that waited means the queue was full and the device just took a chunk.
    const estimate = now - started > 1 ? this.written - this.aheadFrames : before;
    this.anchorConsumed = Math.max(before, Math.min(estimate, this.written));
    this.anchorTime = now;
  }

  close(): Promise<void> {
    this.closed ??= this.stream.quit('ABORT').catch(() => undefined);
    return this.closed;
  }
}
