import { AudioSink, PcmFormat, framesOf } from './sink';
import { NaudiodonBinding, NaudiodonDevice, NaudiodonStream } from './native-binding';

/**
 * PortAudio output through naudiodon's binding, with its defects worked around (platform
 * facts §2): 16-bit samples (not the 8-bit default), closeOnError false (a pause must not
 * destroy the stream), quit('ABORT') to stop (abort() throws).
 *
 * naudiodon has no latency query and no way to ask how much is still queued. write() resolves
 * when its chunk entered a queue of `maxQueue` chunks, which the PortAudio callback drains; so
 * once writes block, the queue plus the chunk being played plus whatever the device itself
 * buffers are ahead of the playhead. consumedFrames() anchors on that each time a write waits
 * and runs a clock at the sample rate in between (cmus: position = frames consumed), never
 * ahead of what was written.
 *
 * Stream start is the trap. Through PulseAudio's ALSA plugin (or PipeWire's) the first writes
 * resolve at once: PortAudio prefills the server's buffer (~140 ms with PULSE_LATENCY_MSEC=120),
 * then the stream takes ~0.7 s to really start. Nothing is heard in that time, so until a
 * write has waited for the device, the position does not move (unless the device proves
 * faster than real time, like ALSA's file plugin). What was accepted before that first wait
 * measures the device's buffer, and from then on counts as ahead of the playhead.
 *
 * Worse, what PortAudio pushes before that start is partly lost (measured: 0.2-0.25 s of a tone
 * through Pulse with PULSE_LATENCY_MSEC=120, none with 0.7 s of silence first). So a new
 * stream is primed with silence until the device runs; the priming is not counted in the
 * sink's written or consumed frames, so positions stay those of the engine's writes.
 */

/** A write is ~70 ms (3072 frames at 44.1 kHz, a multiple of 256 frames at any rate), and it is
 * also PortAudio's callback period: with MAX_QUEUE 1, the chunk playing and the one queued are
 * ~140 ms ahead of the playhead, plus the device's own buffer (~140 ms through PulseAudio).
 * Every write wakes this process's event loop and a libuv thread, every period PortAudio's
 * thread and a sound server's client thread behind ALSA; those wake-ups, not the samples, are
 * what playing costs. Measured through ALSA → PulseAudio with FLAC, side by side with mpv:
 * 46 ms writes with 23 ms periods cost 1.13-1.30× mpv's CPU, 70 ms writes with periods of one
 * write 0.88-0.92×, 93 ms 0.6-0.8×. The price is delay: pause and seek are heard after what is
 * queued, ~280 ms through Pulse instead of ~230 ms. */
const WRITE_MS = 70;
const WRITE_GRANULE_FRAMES = 256;
const MAX_QUEUE = 1;

/**
 * naudiodon's quit() first waits for PortAudio's callback to take what is queued, even with
 * 'ABORT': a device that stopped calling back (a sound server that hangs, a stream PortAudio
 * dropped after an error) would hold close() — and the engine's stop, load and every command
 * after it — forever. It takes 20-150 ms (two callbacks and a close; more on a loaded machine,
 * hence the margin); past this, the stream is left behind and the owner told (onStuck).
 * Measured with PulseAudio stopped (SIGSTOP): a stream opened in the same process after one
 * was left behind plays silence, even once the old one has finished.
 */
const QUIT_WAIT_MS = 2000;
/** More than a device buffers at start: accepted this far beyond real time, it is not clocked. */
const PREFILL_LIMIT_MS = 3000;
/** At most this much priming silence (a device that never waits, e.g. a file, gets this much). */
const PRIME_LIMIT_MS = 1000;

export interface NaudiodonSinkOptions {
  readonly deviceName: string | undefined;
  /**
   * The device would not close: its PortAudio stream is left behind, and this process's
   * PortAudio is not to be trusted with another (a new stream plays silence).
   */
  readonly onStuck?: (message: string) => void;
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
  /** Frames the device accepted, priming included. */
  private written = 0;
  /** Priming silence at the stream's start, not part of what the engine wrote. */
  private primed = 0;
  private priming: Promise<void> | undefined;
  private primingDone = false;
  private readonly openedAt: number;
  /** Frames ahead of the playhead once the device runs: at least the native queue's, more when
   * the device buffers more (learnt at the first write that waited). */
  private runningAheadFrames: number;
  /** A write waited for the device (it plays in real time), or it took data faster than that. */
  private clocked = false;
  private anchorTime = 0;
  private anchorConsumed = 0;
  /** The most consumedFrames() has said. */
  private consumedHigh = 0;
  private closed: Promise<void> | undefined;
  /** Settles every pending write once close() starts: a stalled device never takes them. */
  private releaseWrites!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.releaseWrites = resolve));
  private readonly onStuck: NaudiodonSinkOptions['onStuck'];

  constructor(binding: NaudiodonBinding, readonly format: PcmFormat, options: NaudiodonSinkOptions) {
    this.onStuck = options.onStuck;
    let device: NaudiodonDevice | undefined;
    const devices = listOutputDevices(binding);
    if (options.deviceName !== undefined) device = findDevice(devices, options.deviceName);
    // naudiodon reports these latencies as integer seconds (0 for every real device); kept for a
    // binding that gets it right. The prefill measure below is what actually counts.
    const latency = device?.defaultLowOutputLatency ?? devices.find((d) => d.name === 'default')?.defaultLowOutputLatency ?? 0;
    this.latencyFrames = Math.round(latency * format.sampleRate);
    this.writeFrames = Math.max(1, Math.round((format.sampleRate * WRITE_MS) / 1000 / WRITE_GRANULE_FRAMES)) * WRITE_GRANULE_FRAMES;
    this.aheadFrames = (MAX_QUEUE + 1) * this.writeFrames + this.latencyFrames;
    this.runningAheadFrames = this.aheadFrames;
    this.name = `naudiodon: ${device?.name ?? 'default device'}`;
    this.stream = binding.create({
      outOptions: {
        ...(device ? { deviceId: device.id } : {}),
        sampleRate: format.sampleRate,
        channelCount: format.channels,
        sampleFormat: 16,
        maxQueue: MAX_QUEUE,
        // A period of one write: PortAudio's callback takes one whole write each time it runs.
        framesPerBuffer: this.writeFrames,
        closeOnError: false,
      },
    });
    this.stream.start();
    this.openedAt = this.anchorTime = performance.now();
  }

  get started(): boolean {
    return this.clocked;
  }

  get writtenFrames(): number {
    return this.written - this.primed;
  }

  consumedFrames(): number {
    // The estimate is corrected downwards when a write that waited shows the device behind the
    // clock (after a stall the clock ran on to everything written); what was heard never goes
    // back, so the position holds until the estimate catches up.
    this.consumedHigh = Math.max(this.consumedHigh, this.deviceConsumed() - this.primed);
    return this.consumedHigh;
  }

  private deviceConsumed(): number {
    if (!this.clocked) return 0;
    const elapsed = ((performance.now() - this.anchorTime) * this.format.sampleRate) / 1000;
    // The queue and the device cannot hold more than `runningAheadFrames`, so that much behind
    // what was written is a hard floor (it is what tracks a device faster than real time).
    const floor = this.written - this.runningAheadFrames;
    const ceiling = this.written - this.latencyFrames;
    return Math.max(0, floor, Math.min(ceiling, Math.floor(this.anchorConsumed + elapsed)));
  }

  write(pcm: Buffer): Promise<void> {
    // Once primed (every write but the first few), straight to the device: no promise more.
    return this.primingDone ? this.writeToDevice(pcm) : this.primeThenWrite(pcm);
  }

  private async primeThenWrite(pcm: Buffer): Promise<void> {
    this.priming ??= this.prime();
    await this.priming;
    this.primingDone = true;
    await this.writeToDevice(pcm);
  }

  private async prime(): Promise<void> {
    const silence = Buffer.alloc(this.writeFrames * this.format.channels * 2);
    const limit = (PRIME_LIMIT_MS * this.format.sampleRate) / 1000;
    while (!this.clocked && !this.closed && this.written < limit) {
      const before = this.written;
      await this.writeToDevice(silence);
      this.primed += this.written - before;
    }
  }

  private async writeToDevice(pcm: Buffer): Promise<void> {
    if (this.closed) return;
    const before = this.deviceConsumed();
    const started = performance.now();
    // naudiodon copies the chunk, so a write abandoned by close() leaves nothing of ours behind.
    const error = await Promise.race([this.stream.write(pcm), this.released]);
    if (this.closed) return;
    if (typeof error === 'string' && error.length > 0) throw new Error(`Audio output failed: ${error}`);
    const frames = framesOf(pcm.length, this.format.channels);
    const acceptedBefore = this.written;
    this.written += frames;
    const now = performance.now();
    // Waiting about half a chunk or more means the queue was full and the device just took a
    // chunk (a write that did not wait takes well under a millisecond, a little more under load).
    const waited = now - started > Math.max(1, (frames * 500) / this.format.sampleRate);
    if (!this.clocked) {
      if (waited) {
        // The device started: everything accepted before this write sits in its buffer and the
        // queue, and it has played about one chunk to make room for this one.
        this.clocked = true;
        this.runningAheadFrames = Math.max(this.aheadFrames, acceptedBefore);
        this.anchorConsumed = Math.max(0, this.written - this.runningAheadFrames);
        this.anchorTime = now;
      } else if (this.written - ((now - this.openedAt) * this.format.sampleRate) / 1000 > (PREFILL_LIMIT_MS * this.format.sampleRate) / 1000) {
        // No real-time device buffers this much before it starts: it is not clocked (a file).
        this.clocked = true;
        this.anchorConsumed = Math.max(0, this.written - this.aheadFrames);
        this.anchorTime = now;
      }
      return;
    }
    const estimate = waited ? this.written - this.runningAheadFrames : before;
    this.anchorConsumed = Math.max(before, Math.min(estimate, this.written));
    this.anchorTime = now;
  }

  close(): Promise<void> {
    this.closed ??= this.quit();
    return this.closed;
  }

  private async quit(): Promise<void> {
    this.releaseWrites();
    let timer: NodeJS.Timeout | undefined;
    const quit = this.stream.quit('ABORT').then(
      () => true,
      () => true,
    );
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), QUIT_WAIT_MS)));
    const done = await Promise.race([quit, timedOut]);
    clearTimeout(timer);
    if (!done) this.onStuck?.(`the output device did not close within ${QUIT_WAIT_MS} ms (it takes no audio)`);
  }
}
