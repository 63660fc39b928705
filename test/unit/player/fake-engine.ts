import { Emitter } from '../../../src/base/event';
import type {
  AudioEngine,
  BufferingProgress,
  EngineError,
  EngineState,
  LoadedTrack,
  PositionReport,
  TrackRef,
} from '../../../src/engine/api';
import type { IDisposable } from '../../../src/base/lifecycle';
import type { TimerHost } from '../../../src/player/save-scheduler';

/**
 * A deterministic in-memory engine for player tests: every call resolves at once and is
 * recorded; the test scripts what the real engine would do on its own (a track ending, a
 * gapless switch, starving, failing) with the methods under "Scripting".
 */
export class FakeEngine implements AudioEngine {
  state: EngineState = 'idle';
  current: TrackRef | undefined;
  preloaded: TrackRef | undefined;
  positionMs = 0;
  volume = 1;
  readonly calls: string[] = [];
  /** Uses of the engine a real one would not expect (e.g. preloading before any load). */
  readonly violations: string[] = [];
  /** Loads of these uris reject, like a missing or corrupt file. */
  readonly failingUris = new Set<string>();
  /** Loaded duration per uri; others get `defaultDurationMs`. `null` = live stream. */
  readonly durations = new Map<string, number | null>();
  defaultDurationMs = 180_000;
  disposed = false;

  private readonly stateEmitter = new Emitter<EngineState>();
  private readonly positionEmitter = new Emitter<PositionReport>();
  private readonly startedEmitter = new Emitter<LoadedTrack>();
  private readonly endedEmitter = new Emitter<{ readonly trackId: string }>();
  private readonly errorEmitter = new Emitter<EngineError>();
  private readonly titleEmitter = new Emitter<{ readonly trackId: string; readonly title: string }>();
  private readonly bufferingEmitter = new Emitter<BufferingProgress>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onPosition = this.positionEmitter.event;
  readonly onTrackStarted = this.startedEmitter.event;
  readonly onTrackEnded = this.endedEmitter.event;
  readonly onError = this.errorEmitter.event;
  readonly onStreamTitle = this.titleEmitter.event;
  readonly onBuffering = this.bufferingEmitter.event;

  constructor(private readonly now: () => number = Date.now) {}

  /** Live listeners on all engine events: 0 after the player is disposed. */
  get listenerCount(): number {
    return [this.stateEmitter, this.positionEmitter, this.startedEmitter, this.endedEmitter, this.errorEmitter, this.titleEmitter, this.bufferingEmitter]
      .map((emitter) => emitter.listenerCount)
      .reduce((a, b) => a + b, 0);
  }

  /** A method, not a field, so assertions on it do not narrow its type for later lines. */
  preloadedUri(): string | undefined {
    return this.preloaded?.uri;
  }

  /** Uris loaded, in order. */
  get loadedUris(): string[] {
    return this.calls.filter((c) => c.startsWith('load ')).map((c) => c.split(' ')[2]!);
  }

  load(track: TrackRef, options: { startMs?: number; autoplay: boolean }): Promise<LoadedTrack> {
    this.calls.push(`load ${track.id} ${track.uri} @${options.startMs ?? 0}${options.autoplay ? ' autoplay' : ''}`);
    if (this.failingUris.has(track.uri)) {
      this.current = undefined;
      this.setState('idle');
      return Promise.reject(new Error(`cannot decode ${track.uri}`));
    }
    this.current = track;
    this.preloaded = undefined;
    this.positionMs = options.startMs ?? 0;
    this.setState(options.autoplay ? 'playing' : 'paused');
    return Promise.resolve(this.loaded(track));
  }

  play(): Promise<void> {
    this.calls.push('play');
    this.setState('playing');
    return Promise.resolve();
  }

  pause(): Promise<void> {
    this.calls.push('pause');
    this.setState('paused');
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.calls.push('stop');
    this.current = undefined;
    this.preloaded = undefined;
    this.setState('idle');
    return Promise.resolve();
  }

  seek(positionMs: number): Promise<void> {
    this.calls.push(`seek ${positionMs}`);
    this.positionMs = positionMs;
    return Promise.resolve();
  }

  setVolume(volume: number): Promise<void> {
    this.calls.push(`volume ${volume}`);
    this.volume = volume;
    return Promise.resolve();
  }

  /** Like the real engine: opening a broken file ahead rejects, and nothing stays preloaded. */
  preloadNext(track: TrackRef | undefined): Promise<void> {
    this.calls.push(`preload ${track ? `${track.id} ${track.uri}` : 'none'}`);
    if (!this.current && track) {
      this.violations.push(`preloadNext(${track.id}) with nothing loaded`);
    }
    if (track && this.failingUris.has(track.uri)) {
      this.preloaded = undefined;
      return Promise.reject(new Error(`cannot decode ${track.uri}`));
    }
    this.preloaded = track;
    return Promise.resolve();
  }

  dispose(): void {
    this.disposed = true;
  }

  // ---- Scripting -----------------------------------------------------------------------

  /** The current track reaches its end: gapless switch to the preload, or "ended". */
  finishTrack(): void {
    const ended = this.current;
    if (!ended) {
      throw new Error('FakeEngine: no current track to finish');
    }
    const next = this.preloaded;
    this.preloaded = undefined;
    if (next) {
      this.current = next;
      this.positionMs = 0;
      this.startedEmitter.fire(this.loaded(next));
      return;
    }
    this.current = undefined;
    this.setState('idle');
    this.endedEmitter.fire({ trackId: ended.id });
  }

  reportPosition(positionMs: number): void {
    if (!this.current) {
      throw new Error('FakeEngine: no current track');
    }
    this.positionMs = positionMs;
    this.positionEmitter.fire({ trackId: this.current.id, positionMs, at: this.now(), playing: this.state === 'playing' });
  }

  starve(): void {
    this.setState('starved');
  }

  recover(): void {
    this.setState('playing');
  }

  /** A stream's ICY title (default: of the current track). */
  emitStreamTitle(title: string, trackId = this.current?.id ?? 'none'): void {
    this.titleEmitter.fire({ trackId, title });
  }

  /** Buffering progress while starved (default: of the current track). */
  emitBuffering(progress: number, trackId = this.current?.id ?? 'none'): void {
    this.bufferingEmitter.fire({ trackId, progress });
  }

  /** The engine gives up on the current track mid-play (corrupt frames, lost source). */
  failCurrent(message = 'corrupt frame', kind: EngineError['kind'] = 'decode'): void {
    this.errorEmitter.fire({ trackId: this.current?.id, kind, message, fatalForTrack: true });
  }

  /** Any event, raw, for stale-event tests. */
  emitError(error: EngineError): void {
    this.errorEmitter.fire(error);
  }

  emitEnded(trackId: string): void {
    this.endedEmitter.fire({ trackId });
  }

  emitStarted(track: TrackRef): void {
    this.startedEmitter.fire(this.loaded(track));
  }

  emitPosition(report: PositionReport): void {
    this.positionEmitter.fire(report);
  }

  private loaded(track: TrackRef): LoadedTrack {
    const duration = this.durations.has(track.uri) ? this.durations.get(track.uri) : this.defaultDurationMs;
    return {
      track,
      format: { codec: 'flac', sampleRate: 44100, channels: 2, totalFrames: undefined, bitsPerSample: 16, lossless: true },
      durationMs: duration === null ? undefined : duration,
    };
  }

  private setState(state: EngineState): void {
    if (state !== this.state) {
      this.state = state;
      this.stateEmitter.fire(state);
    }
  }
}

/** A clock and timers moved by hand. */
export class ManualTime implements TimerHost {
  private time = 1_700_000_000_000;
  private readonly pending = new Set<{ due: number; fn: () => void }>();

  readonly now = (): number => this.time;

  get pendingCount(): number {
    return this.pending.size;
  }

  setTimeout(fn: () => void, ms: number): IDisposable {
    const timer = { due: this.time + ms, fn };
    this.pending.add(timer);
    return { dispose: () => this.pending.delete(timer) };
  }

  /** Moves time forward, running due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending].filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!due) {
        break;
      }
      this.pending.delete(due);
      this.time = due.due;
      due.fn();
    }
    this.time = end;
  }
}

/** Lets every queued promise callback run (the fake engine resolves everything at once). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
