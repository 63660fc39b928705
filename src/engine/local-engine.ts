import { performance } from 'node:perf_hooks';
import { Emitter } from '../base/event';
import { Disposable, IDisposable, toDisposable } from '../base/lifecycle';
import { openDecoder } from '../decode/index';
import { ResamplingDecoder } from '../decode/resample';
import type { Decoder } from '../decode/types';
import { resources } from '../diagnostics/resource-tracker';
import { trackDisposable, trackedInterval } from '../diagnostics/tracked';
import { SourceOpener, type NetworkSettings, type SourceHooks } from '../net/opener';
import type { AudioEngine, BufferingProgress, EngineError, EngineState, LoadedTrack, PositionReport, TrackRef } from './api';
import { GainRamp, ProductGain, SilenceS16, interleaveS16, type PcmScratch } from './pcm-convert';
import { PcmPipe } from './pcm-pipe';
import { PositionTracker } from './position-tracker';
import type { DeviceInfo, EngineStats } from './protocol';
import { EngineTimings, SpanBatcher, TimingsOutbox, realTimeFactor } from './timings';
import { AudioSink, Log, PcmFormat, SinkSpec, openSink, parseSinkSpec } from './sinks/index';
import { loadNaudiodon } from './sinks/native-binding';
import { listOutputDevices } from './sinks/naudiodon-sink';

/**
 * The engine itself, in whatever process runs it (the engine child process via main.ts, or a
 * test in-process). After MPD: a decoder task fills a bounded PCM pipe; an output task drains
 * it into the sink. Position is what the sink consumed, mapped back through PositionTracker.
 */

export type DecoderOpener = (uri: string, hooks?: SourceHooks) => Promise<Decoder>;

export interface LocalEngineOptions {
  /** 'auto' | 'naudiodon' | 'null' | 'pipe' | 'wav:FILE' */
  readonly sink?: string;
  readonly device?: string;
  /** Fade at pause/resume, ms (default 12). 0 = sample-exact pause without a fade. */
  readonly pauseFadeMs?: number;
  /** Seconds of decoded audio the pipe holds at most (default 1.5). */
  readonly pipeSeconds?: number;
  readonly openDecoder?: DecoderOpener;
  /** Proxy and disk cache for http(s) tracks (VS Code's http.* settings and globalStorage, passed by the glue). */
  readonly network?: NetworkSettings;
  readonly log?: Log;
  /**
   * A device that must be fed is given silence while paused; after this long (default 10 s)
   * it is closed instead, freeing it for other apps and costing no CPU, and reopened on play.
   * Everything queued is silence by then, so nothing audible is lost.
   */
  readonly releaseDeviceAfterPauseMs?: number;
  /**
   * Run the device at this rate and resample every track to it (for devices that only take
   * one rate). Unset: the device follows each track's rate, reopening between tracks that
   * differ; it falls back to resampling only when the device refuses the track's rate.
   */
  readonly outputRate?: number;
}

const VOLUME_RAMP_MS = 15;
/**
 * At least 10 position reports a second while playing, once a second when the position does not
 * move. While playing, the output task sends them after its writes: it is awake then anyway,
 * and a timer of its own would wake the process 10 more times a second, which costs more CPU
 * than decoding does. (A Node timer that is cleared or postponed still wakes the process when
 * it was first due, so there is no cheap fallback timer either.) After a pause, while the
 * device plays out what it holds, a short timer follows the position until it stops; the
 * stats tick sends one a second otherwise. The same timer keeps reports coming while the
 * output task waits on a write: from the write's start when the device has not started yet
 * (through a sound server that takes ~0.7 s), from the stats tick that finds a write waiting
 * longer than any device takes (a stalled one). Without them a view would extrapolate a moving
 * playhead from the last report and snap back at the next.
 */
const POSITION_INTERVAL_MS = 100;
/** Longer than any sink's write takes when its device plays (100 ms at most). */
const SLOW_WRITE_MS = 250;
/** A device write waiting this long (not at the device's start) is worth a line in the log. */
const STALLED_WRITE_MS = 2000;
const STATS_INTERVAL_MS = 1000;
/** Between two tracks' gains at a gapless join. */
const TRACK_GAIN_RAMP_MS = 10;
/** The pipe must stay empty this long while playing before we call it starvation. */
const STARVED_AFTER_MS = 150;
/** While playing, feed a clocked device silence only after the pipe was empty this long. */
const FEED_SILENCE_AFTER_MS = 40;
/**
 * Starved, the engine resumes once this much audio is decoded ahead (at most half the pipe),
 * or the track's end is: resuming at the first bytes would stutter on every late packet of a
 * slow stream (mpv's cache-pause-wait is 1 s too). Progress towards it is `onBuffering`.
 */
const RESUME_CUSHION_MS = 1000;
/** Buffering progress events at most this often (and only when the figure moved). */
const BUFFERING_REPORT_MS = 100;
/** Decoder reads or sink writes further apart than this belong to separate timing spans. */
const TIMING_GAP_MS = 20;
/** Timing spans sent per stats tick at most (the rest are counted as dropped). */
const TIMING_SPANS_PER_TICK = 64;
/** Owner name of the engine's tracked resources (decoders, timers, the output stream). */
const OWNER = 'LocalEngine';

/** One opened track: its decoder and what the player was told about it. */
interface Session {
  readonly id: number;
  /** What the player is told: the file's own format. */
  readonly loaded: LoadedTrack;
  /** The decoder, wrapped in a resampler when the device runs at another rate. */
  decoder: Decoder;
  /** Reached by gapless succession (fires onTrackStarted when heard). */
  readonly gapless: boolean;
  /** Frames its decoder produced, and the wall time spent in its reads (decode speed). */
  decodedFrames: number;
  decodeMs: number;
}

/** A promise with its resolver, for waking the output task. */
class Signal {
  private resolve: (() => void) | undefined;
  private promise: Promise<void> | undefined;
  wait(): Promise<void> {
    this.promise ??= new Promise<void>((r) => (this.resolve = r));
    return this.promise;
  }
  notify(): void {
    const resolve = this.resolve;
    this.promise = undefined;
    this.resolve = undefined;
    resolve?.();
  }
}

/** Frames per second of what a session feeds the pipe (the device rate when resampled). */
function rateOf(session: Session): number {
  return session.decoder.format.sampleRate;
}

/** Rates tried, in order, when a device refuses a track's own rate. */
const FALLBACK_RATES = [48_000, 44_100];

/** Wait for `promise` or `ms`, whichever is first, leaving no timer behind. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Local paths as files; http(s) URLs through src/net (cache, proxy, redirects, ICY, buffering). */
function defaultOpenDecoder(sources: SourceOpener): DecoderOpener {
  return async (uri, hooks) => openDecoder(await sources.open(uri, hooks));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class LocalEngine extends Disposable implements AudioEngine {
  private readonly _onDidChangeState = this._register(new Emitter<EngineState>());
  readonly onDidChangeState = this._onDidChangeState.event;
  private readonly _onPosition = this._register(new Emitter<PositionReport>());
  readonly onPosition = this._onPosition.event;
  private readonly _onTrackStarted = this._register(new Emitter<LoadedTrack>());
  readonly onTrackStarted = this._onTrackStarted.event;
  private readonly _onTrackEnded = this._register(new Emitter<{ readonly trackId: string }>());
  readonly onTrackEnded = this._onTrackEnded.event;
  private readonly _onError = this._register(new Emitter<EngineError>());
  readonly onError = this._onError.event;
  /**
   * An output device would not close (a hung sound server, a stream PortAudio dropped): the
   * engine goes on answering commands, but PortAudio in this process is no longer to be
   * trusted with a new stream. The engine process tells its host, which replaces it with a
   * fresh one that resumes where the listener was.
   */
  private readonly _onOutputStuck = this._register(new Emitter<string>());
  readonly onOutputStuck = this._onOutputStuck.event;
  /** Handed to every sink opened: logs and announces a device that would not close. */
  private readonly outputStuck = (message: string): void => {
    this.log('warn', message);
    this._onOutputStuck.fire(message);
  };
  private readonly _onUnderrun = this._register(new Emitter<{ trackId: string | undefined; at: number }>());
  readonly onUnderrun = this._onUnderrun.event;
  private readonly _onStreamTitle = this._register(new Emitter<{ readonly trackId: string; readonly title: string }>());
  readonly onStreamTitle = this._onStreamTitle.event;
  private readonly _onBuffering = this._register(new Emitter<BufferingProgress>());
  readonly onBuffering = this._onBuffering.event;
  private readonly _onStats = this._register(new Emitter<EngineStats>());
  readonly onStats = this._onStats.event;
  private readonly _onTimings = this._register(new Emitter<EngineTimings>());
  /** Decode and output spans, batched with the stats (about once a second while there are any). */
  readonly onTimings = this._onTimings.event;

  private _state: EngineState = 'idle';
  private readonly sinkSpec: SinkSpec;
  private deviceName: string | undefined;
  private readonly fadeMs: number;
  private readonly openDecoder: DecoderOpener;
  private readonly log: Log;
  private readonly pipe: PcmPipe;

  private sink: AudioSink | undefined;
  /** The open sink counted as a live 'stream'. */
  private sinkHandle: IDisposable | undefined;
  private readonly tracker = new PositionTracker();
  private readonly volume = new GainRamp(1, 0);
  private readonly fade = new GainRamp(1, 0);
  /** The playing track's own factor (ReplayGain, from its TrackRef). */
  private readonly trackGain = new GainRamp(1, 0);
  private readonly gain = new ProductGain(new ProductGain(this.volume, this.fade), this.trackGain);
  private volumeTarget = 1;

  private nextSessionId = 1;
  private readonly sessions = new Map<number, Session>();
  /** The session the listener hears (or will hear first). */
  private heard: Session | undefined;
  /** The session the decoder task is reading. */
  private decoding: Session | undefined;
  /** Preloaded, not yet being decoded. */
  private next: Session | undefined;
  private producer: Promise<void> = Promise.resolve();

  /** Position to report until the device reaches the first frame written after a load/seek. */
  private override: { sessionId: number; trackFrame: number; untilDevice: number } | undefined;
  /** Device frame at which the last session's end marker was written. */
  private endAt: { sessionId: number; device: number } | undefined;
  private fadeOutPending = false;
  private emptySince: number | undefined;
  /** The last buffering progress reported in this starvation (undefined: none yet). */
  private bufferingReported: { progress: number; at: number } | undefined;
  private underruns = 0;
  private playRequestedAt: number | undefined;
  private firstPcmLatencyMs: number | undefined;
  private lastHeardSessionId: number | undefined;
  private readonly wake = new Signal();
  private readonly timings = new TimingsOutbox(TIMING_SPANS_PER_TICK);
  private readonly decodeSpans = new SpanBatcher('decode', this.timings, TIMING_GAP_MS);
  private readonly outputSpans = new SpanBatcher('output', this.timings, TIMING_GAP_MS);
  /** The output task's conversion buffer, reused for every write (AudioSink.write copies what it keeps). */
  private readonly scratch: PcmScratch = { buffer: Buffer.alloc(0) };
  private readonly silence = new SilenceS16();
  private outputRunning = false;
  private lastYield = 0;
  /** The event loop's idle time (performance.nodeTiming.idleTime) when last seen: it moves only when the loop waited. */
  private lastLoopIdle = 0;
  private lastReportedMs: number | undefined;
  private lastReportAt = 0;
  /** When the output task last finished a write, to foresee the next one. */
  private lastWriteAt = 0;
  /** Follows the position after a pause until it stops moving, or while a write waits long. */
  private positionTimer: NodeJS.Timeout | undefined;
  /** When the device write in progress began (undefined between writes). */
  private writingSince: number | undefined;
  /** The write in progress has been logged as stalled. */
  private stallLogged = false;
  private readonly releaseAfterPauseMs: number;
  /** Every track is resampled to this rate (option, or the device refused native rates). */
  private forcedRate: number | undefined;
  private pausedSince: number | undefined;
  private seekStartedAt: number | undefined;
  /** The device was released during a long pause; reopen it in this format on play. */
  private parked: PcmFormat | undefined;

  constructor(options: LocalEngineOptions = {}) {
    super();
    this.sinkSpec = parseSinkSpec(options.sink);
    this.deviceName = options.device || undefined;
    this.fadeMs = options.pauseFadeMs ?? 12;
    this.releaseAfterPauseMs = options.releaseDeviceAfterPauseMs ?? 10_000;
    this.forcedRate = options.outputRate;
    this.openDecoder = options.openDecoder ?? defaultOpenDecoder(new SourceOpener(options.network, { log: (message) => options.log?.('debug', message) }));
    this.log = options.log ?? (() => undefined);
    this.pipe = new PcmPipe(Math.round(48_000 * (options.pipeSeconds ?? 1.5)));
    this._register(toDisposable(() => clearTimeout(this.positionTimer)));
    this._register(
      trackedInterval(() => {
        this.tick();
        // Position reports ride on the output task's writes; this covers a task that waits.
        if (performance.now() - this.lastReportAt >= POSITION_INTERVAL_MS) this.reportPosition();
      }, STATS_INTERVAL_MS, OWNER),
    );
    this._register(toDisposable(() => void this.teardown()));
  }

  get state(): EngineState {
    return this._state;
  }

  get sinkName(): string {
    return this.sink?.name ?? this.sinkSpec.kind;
  }

  // --- commands -------------------------------------------------------------------------------

  async load(track: TrackRef, options: { startMs?: number; autoplay: boolean }): Promise<LoadedTrack> {
    await this.stopDecoding();
    this.disposeSessions();
    this.parked = undefined;
    this.pausedSince = options.autoplay ? undefined : performance.now();
    this.setState('loading');
    let session: Session;
    try {
      session = await this.openSession(track, false);
    } catch (error) {
      this.setState('idle');
      this._onError.fire({ trackId: track.id, kind: 'decode', message: describe(error), fatalForTrack: true });
      throw error;
    }
    this.abandonIfDisposed(session);
    let startFrame: number;
    try {
      const sink = this.ensureSink(session.loaded.format);
      this.resampleFor(session, sink.format.sampleRate);
      startFrame = Math.round(((options.startMs ?? 0) * rateOf(session)) / 1000);
      if (startFrame > 0) await session.decoder.seek(startFrame);
    } catch (error) {
      this.disposeSession(session);
      this.setState('idle');
      const kind = error instanceof Error && error.name === 'DecodeError' ? 'decode' : 'output';
      this._onError.fire({ trackId: track.id, kind, message: describe(error), fatalForTrack: true });
      throw error;
    }
    this.abandonIfDisposed(session);
    this.heard = this.decoding = session;
    this.lastHeardSessionId = session.id;
    this.endAt = undefined;
    this.override = { sessionId: session.id, trackFrame: startFrame, untilDevice: Number.POSITIVE_INFINITY };
    this.fade.set(options.autoplay || this.fadeMs === 0 ? 1 : 0);
    this.startProducer(session, this.pipe.flush());
    if (options.autoplay) this.playRequestedAt = performance.now();
    this.setState(options.autoplay ? 'playing' : 'paused');
    this.ensureOutputTask();
    this.reportPosition();
    return session.loaded;
  }

  /** Disposed while a load awaited (the file opening, a seek): its session must not outlive the engine. */
  private abandonIfDisposed(session: Session): void {
    if (!this.isDisposed) return;
    this.disposeSession(session);
    throw new Error(`the audio engine was shut down while ${session.loaded.track.uri} was loading`);
  }

  async play(): Promise<void> {
    if (!this.heard) return;
    if (this._state === 'paused') {
      this.pausedSince = undefined;
      if (this.parked) {
        const format = this.parked;
        this.parked = undefined;
        this.ensureSink(format);
        this.log('debug', 'device reopened after a long pause');
      }
      if (this.fadeMs > 0) this.fade.rampTo(1, this.framesFor(this.fadeMs));
      this.fadeOutPending = false;
      this.playRequestedAt = performance.now();
      this.setState('playing');
      this.wake.notify();
    }
  }

  async pause(): Promise<void> {
    if (this._state === 'playing' || this._state === 'starved') {
      this.fadeOutPending = this.fadeMs > 0;
      this.pausedSince = performance.now();
      this.setState('paused');
      this.wake.notify();
    }
  }

  async stop(): Promise<void> {
    await this.stopDecoding();
    this.disposeSessions();
    this.override = undefined;
    this.endAt = undefined;
    this.parked = undefined;
    await this.closeSink();
    this.setState('idle');
  }

  async seek(positionMs: number): Promise<void> {
    const session = this.heard;
    if (!session) throw new Error('Nothing is loaded');
    const format = session.decoder.format;
    let frame = Math.round((positionMs * format.sampleRate) / 1000);
    if (format.totalFrames !== undefined) frame = Math.min(frame, format.totalFrames);
    await this.stopDecoding();
    // The decoder task may already have moved on to the preloaded track: put it back.
    if (this.decoding && this.decoding !== session) {
      const ahead = this.decoding;
      await ahead.decoder.seek(0);
      this.next = ahead;
    }
    await session.decoder.seek(frame);
    this.decoding = session;
    this.endAt = undefined;
    this.override = { sessionId: session.id, trackFrame: frame, untilDevice: Number.POSITIVE_INFINITY };
    this.seekStartedAt = performance.now();
    this.startProducer(session, this.pipe.flush());
    if (this._state === 'idle') this.setState('paused');
    this.wake.notify();
    this.reportPosition();
  }

  async setVolume(volume: number): Promise<void> {
    this.volumeTarget = Math.max(0, Math.min(1, volume));
    this.volume.rampTo(this.volumeTarget, this.framesFor(VOLUME_RAMP_MS));
  }

  async preloadNext(track: TrackRef | undefined): Promise<void> {
    if (this.next) {
      this.disposeSession(this.next);
      this.next = undefined;
    }
    if (!track) return;
    const session = await this.openSession(track, true);
    if (this.isDisposed || !this.heard) {
      this.disposeSession(session);
      return;
    }
    if (this.forcedRate !== undefined) this.resampleFor(session, this.forcedRate);
    this.next = session;
  }

  async listDevices(): Promise<DeviceInfo[]> {
    const load = loadNaudiodon();
    if (!load.ok) throw new Error(load.message);
    const devices = listOutputDevices(load.binding);
    // PortAudio does not flag its default; ALSA names it 'default', else the first one is.
    const hasDefault = devices.some((d) => d.name === 'default');
    return devices.map((d, i) => ({
      id: d.id,
      name: d.name,
      hostApi: d.hostAPIName,
      maxOutputChannels: d.maxOutputChannels,
      defaultSampleRate: d.defaultSampleRate,
      isDefault: hasDefault ? d.name === 'default' : i === 0,
    }));
  }

  /** Switch the output device; playback continues where it is on the new device. */
  async setDevice(name: string | undefined): Promise<void> {
    this.deviceName = name || undefined;
    if (!this.sink || !this.heard) return;
    const positionMs = this.currentPositionMs();
    const format = this.sink.format;
    await this.closeSink();
    this.ensureSink({ ...this.heard.loaded.format, sampleRate: format.sampleRate, channels: format.channels });
    await this.seek(positionMs ?? 0);
  }

  stats(): EngineStats {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      pipeFrames: this.pipe.queuedFrames,
      underruns: this.underruns,
      sink: this.sinkName,
      firstPcmLatencyMs: this.firstPcmLatencyMs,
      decodeSpeed: this.decoding && realTimeFactor(this.decoding.decodedFrames, rateOf(this.decoding), this.decoding.decodeMs),
    };
  }

  /** Once a second: the timing spans since the last tick, then the stats (the engine process
   * sends both in one message). */
  private tick(): void {
    this.noteStalledWrite();
    this.decodeSpans.close();
    this.outputSpans.close();
    const timings = this.timings.take();
    if (timings) this._onTimings.fire(timings);
    this._onStats.fire(this.stats());
  }

  // --- sessions and the decoder task ----------------------------------------------------------

  private async openSession(track: TrackRef, gapless: boolean): Promise<Session> {
    const opened = await this.openDecoder(track.uri, { onTitle: (title) => this._onStreamTitle.fire({ trackId: track.id, title }) });
    // Counted from here until disposeSession (a resampler wrapped around it disposes it too).
    const decoder = trackDisposable('decoder', opened, OWNER);
    const format = decoder.format;
    const durationMs = format.totalFrames === undefined ? undefined : (format.totalFrames * 1000) / format.sampleRate;
    const session: Session = { id: this.nextSessionId++, loaded: { track, format, durationMs }, decoder, gapless, decodedFrames: 0, decodeMs: 0 };
    this.sessions.set(session.id, session);
    return session;
  }

  /** Wrap the session's decoder in a resampler when the device runs at another rate. */
  private resampleFor(session: Session, deviceRate: number): void {
    if (rateOf(session) === deviceRate) return;
    this.log('info', `resampling ${session.loaded.track.uri} from ${rateOf(session)} Hz to the device's ${deviceRate} Hz`);
    session.decoder = new ResamplingDecoder(session.decoder, deviceRate);
  }

  /** Frees the session's decoder once (a load and the engine's teardown may both get to it). */
  private disposeSession(session: Session): void {
    if (!this.sessions.delete(session.id)) return;
    try {
      session.decoder.dispose();
    } catch (error) {
      this.log('warn', `disposing the decoder of ${session.loaded.track.uri}: ${describe(error)}`);
    }
  }

  private disposeSessions(): void {
    for (const session of [...this.sessions.values()]) this.disposeSession(session);
    this.heard = this.decoding = this.next = undefined;
  }

  /**
   * Each track at its own gain. A track that follows another gaplessly ramps to it over a few
   * milliseconds (two gains meeting at a sample would click); anything else starts from
   * silence, so it starts at its gain.
   */
  private applyTrackGain(session: Session): void {
    const wanted = session.loaded.track.gain ?? 1;
    if (wanted === this.trackGain.targetValue) return;
    if (session.gapless) this.trackGain.rampTo(wanted, this.framesFor(TRACK_GAIN_RAMP_MS));
    else this.trackGain.set(wanted);
  }

  /** Flush the pipe and wait until the decoder task has let go of its decoder. */
  private async stopDecoding(): Promise<void> {
    this.pipe.flush();
    await this.producer;
  }

  private startProducer(first: Session, generation: number): void {
    // A new decoding run (load, seek, the next track): its reads make spans of their own.
    this.decodeSpans.close();
    this.producer = this.produce(first, generation);
  }

  private async produce(first: Session, generation: number): Promise<void> {
    let session = first;
    try {
      while (generation === this.pipe.generation) {
        const readStart = performance.now();
        const chunk = await session.decoder.read();
        if (generation !== this.pipe.generation) return;
        const frames = chunk?.channels[0]?.length ?? 0;
        if (frames > 0) this.noteDecoded(session, readStart, frames);
        if (chunk === null) {
          const next = this.next;
          if (next) {
            // Gapless: keep filling the same pipe with the next track.
            this.next = undefined;
            this.decoding = session = next;
            this.log('debug', `decoding ahead: ${next.loaded.track.uri}`);
            continue;
          }
          await this.pipe.push({ type: 'end', sessionId: session.id }, generation);
          return;
        }
        if (frames === 0) continue;
        // The chunk is the decoder's to reuse on its next read: the pipe copies it into a block of its own.
        const pushed = await this.pipe.push({ type: 'pcm', sessionId: session.id, frame: chunk.frame, channels: chunk.channels }, generation);
        if (!pushed) return;
      }
    } catch (error) {
      if (generation !== this.pipe.generation || this.isDisposed) return;
      const trackId = session.loaded.track.id;
      this.log('error', `decoding ${session.loaded.track.uri} failed: ${describe(error)}`);
      this._onError.fire({ trackId, kind: 'decode', message: describe(error), fatalForTrack: true });
      // End the track where the decoder gave up, so the player moves on.
      await this.pipe.push({ type: 'end', sessionId: session.id }, generation);
    }
  }

  private noteDecoded(session: Session, readStart: number, frames: number): void {
    const readEnd = performance.now();
    session.decodedFrames += frames;
    session.decodeMs += readEnd - readStart;
    this.decodeSpans.add(readStart, readEnd, frames, rateOf(session));
  }

  // --- the sink and the output task -----------------------------------------------------------

  private framesFor(ms: number): number {
    const rate = this.sink?.format.sampleRate ?? (this.heard ? rateOf(this.heard) : 44_100);
    return Math.round((ms * rate) / 1000);
  }

  private ensureSink(format: PcmFormat): AudioSink {
    const wanted: PcmFormat = { sampleRate: this.forcedRate ?? format.sampleRate, channels: Math.min(2, Math.max(1, format.channels)) };
    if (this.sink && this.sink.format.sampleRate === wanted.sampleRate && this.sink.format.channels === wanted.channels) {
      return this.sink;
    }
    if (this.sink) {
      const old = this.sink;
      void old.close();
    }
    this.setSink(undefined);
    this.tracker.reset();
    let sink: AudioSink;
    try {
      sink = openSink(this.sinkSpec, wanted, this.deviceName, this.log, this.outputStuck);
    } catch (error) {
      // Some devices take only one or two rates: run at one of those and resample.
      const fallback = this.openAtFallbackRate(wanted);
      if (!fallback) throw error;
      this.log('warn', `the device refused ${wanted.sampleRate} Hz (${describe(error)}); running it at ${fallback.format.sampleRate} Hz and resampling`);
      this.forcedRate = fallback.format.sampleRate;
      sink = fallback;
    }
    this.log('info', `output: ${sink.name}, ${sink.format.sampleRate} Hz, ${sink.format.channels} ch, s16`);
    this.setSink(sink);
    return sink;
  }

  /** The current sink, counted as a live 'stream' while it is open. */
  private setSink(sink: AudioSink | undefined): void {
    this.sinkHandle?.dispose();
    this.sinkHandle = sink && resources.track('stream', OWNER);
    this.sink = sink;
  }

  private openAtFallbackRate(wanted: PcmFormat): AudioSink | undefined {
    if (this.sinkSpec.kind === 'wav' || this.sinkSpec.kind === 'null') return undefined;
    for (const sampleRate of FALLBACK_RATES) {
      if (sampleRate === wanted.sampleRate) continue;
      try {
        return openSink(this.sinkSpec, { ...wanted, sampleRate }, this.deviceName, this.log, this.outputStuck);
      } catch {
        // try the next
      }
    }
    return undefined;
  }

  private async closeSink(): Promise<void> {
    const sink = this.sink;
    this.setSink(undefined);
    this.tracker.reset();
    if (sink) await sink.close();
  }

  private ensureOutputTask(): void {
    if (this.outputRunning) return;
    this.outputRunning = true;
    void this.runOutput().catch((error) => {
      this.log('error', `output failed: ${describe(error)}`);
      this._onError.fire({ trackId: this.heard?.loaded.track.id, kind: 'output', message: describe(error), fatalForTrack: false });
      void this.stop();
    });
  }

  /** The output task: one loop, one write at a time, so ordering is trivially right. */
  private async runOutput(): Promise<void> {
    try {
      await this.outputLoop();
    } finally {
      // Synchronously at the loop's exit (not a later microtask), so a command arriving right
      // after sees the task gone and starts a new one.
      this.outputRunning = false;
    }
  }

  private async outputLoop(): Promise<void> {
    while (!this.isDisposed) {
      const sink = this.sink;
      if (!sink || this._state === 'idle') return;
      if (this.endAt) {
        await this.drainToEnd(sink);
        continue;
      }
      const playing = this._state === 'playing' || this._state === 'starved';
      if (!playing && !this.fadeOutPending) {
        if (!sink.needsContinuousFeed) {
          await this.wake.wait();
        } else if (this.pausedSince !== undefined && performance.now() - this.pausedSince > this.releaseAfterPauseMs) {
          await this.park(sink);
          return;
        } else {
          await this.writeSilence(sink);
        }
        continue;
      }
      const item = this.pipe.peek();
      if (!item || this.refilling) {
        await this.whileEmpty(sink);
        continue;
      }
      this.noteData();
      if (item.type === 'end') {
        this.pipe.take(0);
        if (this.next && this.pipe.isEmpty) {
          // The preload arrived after the decoder task had finished: continue with it now.
          const next = this.next;
          this.next = undefined;
          this.decoding = next;
          this.startProducer(next, this.pipe.generation);
          continue;
        }
        this.endAt = { sessionId: item.sessionId, device: sink.writtenFrames };
        continue;
      }
      const session = this.sessions.get(item.sessionId);
      if (!session) {
        this.pipe.take(Number.MAX_SAFE_INTEGER);
        continue;
      }
      const format = session.decoder.format;
      if (format.sampleRate !== sink.format.sampleRate || Math.min(2, format.channels) !== sink.format.channels) {
        // A track in another format follows: let the device play out, then reopen it.
        await this.waitUntilConsumed(sink, sink.writtenFrames);
        this.ensureSink(format);
        continue;
      }
      let frames = sink.writeFrames;
      if (this.fadeOutPending) {
        frames = Math.max(1, this.framesFor(this.fadeMs));
        this.fade.rampTo(0, frames);
      }
      const piece = this.pipe.take(frames);
      if (!piece || piece.type !== 'pcm') continue;
      this.applyTrackGain(session);
      const pieceFrames = piece.channels[0]?.length ?? 0;
      // A ramp still moving is stepped through by the conversion: only steady gains skip it.
      const pcm =
        sink.discardsAudio && this.gain.isSteady
          ? this.silence.get(pieceFrames, sink.format.channels)
          : interleaveS16(piece.channels, sink.format.channels, this.gain, this.scratch);
      if (this.fadeOutPending && this.fade.isSteady) this.fadeOutPending = false;
      const deviceStart = sink.writtenFrames;
      if (this.override && this.override.untilDevice === Number.POSITIVE_INFINITY) {
        this.override = { ...this.override, untilDevice: deviceStart };
        if (this.seekStartedAt !== undefined) {
          this.log('debug', `first PCM ${(performance.now() - this.seekStartedAt).toFixed(1)} ms after seek`);
          this.seekStartedAt = undefined;
        }
      }
      this.tracker.append({ deviceStart, frames: pieceFrames, sessionId: piece.sessionId, trackFrame: piece.frame, silent: false });
      const writeStart = performance.now();
      this.writingSince = writeStart;
      // A device still starting holds this write for a while: keep the reports coming meanwhile.
      if (sink.started === false) this.followPosition();
      try {
        await sink.write(pcm);
      } finally {
        this.writeDone();
      }
      this.outputSpans.add(writeStart, performance.now(), pieceFrames, sink.format.sampleRate);
      const turn = this.afterWrite();
      if (turn) await turn;
      if (this.playRequestedAt !== undefined) {
        this.firstPcmLatencyMs = performance.now() - this.playRequestedAt;
        this.playRequestedAt = undefined;
        this.log('debug', `first PCM ${this.firstPcmLatencyMs.toFixed(1)} ms after play`);
      }
    }
  }

  private writeDone(): void {
    if (this.stallLogged && this.writingSince !== undefined) {
      this.log('info', `the output device took audio again after ${((performance.now() - this.writingSince) / 1000).toFixed(1)} s`);
    }
    this.writingSince = undefined;
    this.stallLogged = false;
  }

  /** From the stats tick: say so once when the device has taken nothing for a while. */
  private noteStalledWrite(): void {
    if (this.writingSince === undefined || this.stallLogged || this.sink?.started === false) return;
    const waitedMs = performance.now() - this.writingSince;
    if (waitedMs < STALLED_WRITE_MS) return;
    this.stallLogged = true;
    this.log('warn', `the output device has taken no audio for ${(waitedMs / 1000).toFixed(1)} s (${this.sink?.name ?? 'no sink'}); waiting for it`);
  }

  /** The output task is held in a write by a device still starting, or one that stalled. */
  private get writeWaitsLong(): boolean {
    return this.writingSince !== undefined && (this.sink?.started === false || performance.now() - this.writingSince > SLOW_WRITE_MS);
  }

  /** Long pause: remember where we are, release the device; play() reopens it. */
  private async park(sink: AudioSink): Promise<void> {
    const position = this.heardPosition();
    if (position) this.override = { sessionId: position.session.id, trackFrame: position.trackFrame, untilDevice: Number.POSITIVE_INFINITY };
    this.parked = sink.format;
    await this.closeSink();
    this.log('debug', `device released after ${this.releaseAfterPauseMs} ms of pause`);
  }

  /**
   * Silence for a device that must be fed (paused, starved, draining) goes in half-size writes:
   * audio that follows waits behind the write in progress and the one queued, so play after a
   * pause reaches the device in half the time full writes would take. A paused device is
   * released after `releaseDeviceAfterPauseMs`, so the extra wake-ups do not last.
   */
  private async writeSilence(sink: AudioSink): Promise<void> {
    const frames = Math.max(256, Math.round(sink.writeFrames / 2));
    const last = this.tracker.last;
    const heard = this.heard;
    if (heard) {
      const trackFrame = last && !last.silent ? last.trackFrame + last.frames : (last?.trackFrame ?? 0);
      this.tracker.append({ deviceStart: sink.writtenFrames, frames, sessionId: last?.sessionId ?? heard.id, trackFrame, silent: true });
    }
    await sink.write(this.silence.get(frames, sink.format.channels));
    const turn = this.afterWrite();
    if (turn) await turn;
  }

  /** After each write: the position report when one is due, and a turn of the event loop when
   * one is needed (a promise to await then; usually none, which costs nothing to skip). */
  private afterWrite(): Promise<void> | undefined {
    const now = performance.now();
    this.reportIfDue(now);
    return this.yieldNow(now);
  }

  /** Report now if waiting for the next write (as far off as the last one) would leave more than the interval between two reports. */
  private reportIfDue(now: number): void {
    const cadence = now - this.lastWriteAt;
    this.lastWriteAt = now;
    if (!this.positionMoves) return; // paused: followPosition() and the stats tick
    if (now - this.lastReportAt + Math.min(cadence, POSITION_INTERVAL_MS) > POSITION_INTERVAL_MS) this.reportPosition();
  }

  /**
   * Sinks that accept writes at once (a file, a fast pipe) would let this loop run without
   * ever returning to the event loop: commands and position reports would wait. Yield to it
   * every few milliseconds, unless the loop has just waited in it (a device write that waited
   * for room): an extra turn then only costs CPU.
   */
  private yieldNow(now: number): Promise<void> | undefined {
    const loopIdle = performance.nodeTiming.idleTime;
    if (loopIdle !== this.lastLoopIdle) {
      this.lastLoopIdle = loopIdle;
      this.lastYield = now;
      return undefined;
    }
    if (now - this.lastYield < 8) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        this.lastYield = performance.now();
        resolve();
      }),
    );
  }

  /** Starved and not yet holding the cushion to resume with (nor the track's end). */
  private get refilling(): boolean {
    return this._state === 'starved' && !this.pipe.hasEnd && this.pipe.queuedFrames < this.cushionFrames();
  }

  private cushionFrames(): number {
    return Math.max(1, Math.min(this.framesFor(RESUME_CUSHION_MS), Math.floor(this.pipe.capacityFrames / 2)));
  }

  /** While starved: how much of the cushion is decoded, when it moved (throttled). */
  private reportBuffering(): void {
    const trackId = this.heard?.loaded.track.id;
    if (this._state !== 'starved' || trackId === undefined) return;
    const progress = Math.round(Math.min(1, this.pipe.queuedFrames / this.cushionFrames()) * 100) / 100;
    const now = performance.now();
    const last = this.bufferingReported;
    if (last && (last.progress === progress || now - last.at < BUFFERING_REPORT_MS)) return;
    this.bufferingReported = { progress, at: now };
    this._onBuffering.fire({ trackId, progress });
  }

  /** The pipe is empty, or refilling after starving: feed silence or wait for the decoder. */
  private async whileEmpty(sink: AudioSink): Promise<void> {
    const now = performance.now();
    this.emptySince ??= now;
    if (this._state === 'playing' && now - this.emptySince > STARVED_AFTER_MS) {
      this.underruns++;
      this.bufferingReported = undefined;
      this.setState('starved');
      this._onUnderrun.fire({ trackId: this.heard?.loaded.track.id, at: Date.now() });
    }
    this.reportBuffering();
    // A device queue holds ~100 ms: a short wait for the decoder needs no silence, and
    // silence written now would delay the audio that is about to come.
    if (sink.needsContinuousFeed && now - this.emptySince > FEED_SILENCE_AFTER_MS) {
      await this.writeSilence(sink);
    } else {
      await raceTimeout(Promise.race([this.pipe.waitForPush(), this.wake.wait()]), sink.needsContinuousFeed ? 5 : STARVED_AFTER_MS);
      this.reportIfDue(performance.now());
    }
  }

  private noteData(): void {
    this.emptySince = undefined;
    if (this._state === 'starved') this.setState('playing');
  }

  private async waitUntilConsumed(sink: AudioSink, device: number, stillWanted: () => boolean = () => true): Promise<void> {
    for (;;) {
      if (this.isDisposed || this.sink !== sink || !stillWanted()) return;
      const left = device - sink.consumedFrames();
      if (left <= 0) return;
      if (sink.needsContinuousFeed) {
        await this.writeSilence(sink);
      } else {
        // Until the device should have got there (a command wakes it sooner).
        await raceTimeout(this.wake.wait(), Math.min(100, Math.max(5, (left * 1000) / sink.format.sampleRate)));
        this.reportIfDue(performance.now());
      }
    }
  }

  /** The last track's end marker was written: wait until it is heard, then end the track. */
  private async drainToEnd(sink: AudioSink): Promise<void> {
    const end = this.endAt;
    if (!end) return;
    const generation = this.pipe.generation;
    await this.waitUntilConsumed(sink, end.device, () => this.endAt === end && generation === this.pipe.generation);
    if (this.endAt !== end || generation !== this.pipe.generation || this.isDisposed) return;
    if (this.next) {
      // preloadNext() came while we were draining: go on with it (a short gap, not silence).
      const next = this.next;
      this.next = undefined;
      this.endAt = undefined;
      this.decoding = next;
      this.startProducer(next, generation);
      return;
    }
    const session = this.sessions.get(end.sessionId);
    this.reportPosition();
    this.endAt = undefined;
    const trackId = session?.loaded.track.id ?? this.heard?.loaded.track.id;
    this.disposeSessions();
    this.override = undefined;
    await this.closeSink();
    this.setState('idle');
    if (trackId !== undefined) this._onTrackEnded.fire({ trackId });
  }

  // --- position -------------------------------------------------------------------------------

  private heardPosition(): { session: Session; trackFrame: number } | undefined {
    const sink = this.sink;
    const override = this.override;
    if (!sink) {
      // Parked (long pause): the position is where it stopped.
      const session = override && this.sessions.get(override.sessionId);
      return session && override ? { session, trackFrame: override.trackFrame } : undefined;
    }
    const consumed = sink.consumedFrames();
    if (override && consumed < override.untilDevice) {
      const session = this.sessions.get(override.sessionId);
      return session ? { session, trackFrame: override.trackFrame } : undefined;
    }
    this.override = undefined;
    const heard = this.tracker.heardAt(consumed);
    if (!heard) return this.heard ? { session: this.heard, trackFrame: 0 } : undefined;
    const session = this.sessions.get(heard.sessionId);
    return session ? { session, trackFrame: heard.trackFrame } : undefined;
  }

  private currentPositionMs(): number | undefined {
    const position = this.heardPosition();
    return position ? (position.trackFrame * 1000) / rateOf(position.session) : undefined;
  }

  private get positionMoves(): boolean {
    return this._state === 'playing' || this._state === 'starved' || this.endAt !== undefined;
  }

  /** Report again in a moment, unless a report is already due by then (never postponed: see above). */
  private followPosition(): void {
    if (this.positionTimer || this.isDisposed) return;
    this.positionTimer = setTimeout(() => {
      this.positionTimer = undefined;
      this.reportPosition();
    }, POSITION_INTERVAL_MS);
  }

  private reportPosition(): void {
    const previousMs = this.lastReportedMs;
    this.lastReportAt = performance.now();
    if (this._state === 'idle' || this._state === 'loading') return;
    const position = this.heardPosition();
    if (!position) return;
    const { session } = position;
    if (session.id !== this.lastHeardSessionId) {
      // The listener crossed into the next track (gapless): the previous one is done with.
      const previous = this.lastHeardSessionId === undefined ? undefined : this.sessions.get(this.lastHeardSessionId);
      this.lastHeardSessionId = session.id;
      this.heard = session;
      if (previous && previous !== session && previous !== this.decoding) this.disposeSession(previous);
      if (session.gapless) this._onTrackStarted.fire(session.loaded);
    }
    this.lastReportedMs = (position.trackFrame * 1000) / rateOf(session);
    // Still moving while paused (the device plays out its queue), or playing while the output
    // task waits on the device instead of reporting after its writes: look again soon.
    if (this.positionMoves ? this.writeWaitsLong : this.lastReportedMs !== previousMs) this.followPosition();
    this._onPosition.fire({
      trackId: session.loaded.track.id,
      positionMs: this.lastReportedMs,
      at: Date.now(),
      playing: this._state === 'playing',
    });
  }

  private setState(state: EngineState): void {
    if (this._state === state) return;
    this._state = state;
    this._onDidChangeState.fire(state);
    // An output task waiting while paused must look again.
    this.wake.notify();
    if (state !== 'idle') this.ensureOutputTask();
    if (state === 'paused') this.followPosition();
  }

  private async teardown(): Promise<void> {
    this.pipe.flush();
    this.wake.notify();
    // Let an in-flight decoder read finish before its decoder is freed (bounded wait).
    await raceTimeout(this.producer, 500);
    this.disposeSessions();
    await this.closeSink();
  }
}
