import type { NetworkSettings } from '../net/opener';
import { ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Emitter } from '../base/event';
import { Disposable, toDisposable } from '../base/lifecycle';
import { trackChildProcess } from '../diagnostics/tracked';
import { SOUND_SERVER_LATENCY } from './sound-server';
import type { AudioEngine, BufferingProgress, EngineError, EngineState, LoadedTrack, PositionReport, TrackRef } from './api';
import {
  COMMAND_TIMEOUT_MS,
  CommandResults,
  DeviceInfo,
  EngineCommand,
  EngineDiagnostics,
  EngineEvent,
  EngineStats,
  RequestMessage,
  engineArgv,
  parseEngineMessage,
} from './protocol';
import type { EngineTimings } from './timings';

/**
 * The host side of the engine: forks the engine process, speaks the IPC protocol, and
 * presents it as an AudioEngine. Native audio never runs in the host's own process, so a
 * segfault in PortAudio cannot take VS Code down, and a slow extension host cannot make the
 * audio stutter.
 *
 * Crash recovery: when the process dies unexpectedly the client restarts it and restores the
 * volume, the device, the track at the position last heard (extrapolated to the moment the
 * death was noticed), its play/pause state and the preloaded next track. Crashes close
 * together back off; too many in a window end in the 'idle' state with a 'crash' error
 * instead of a restart loop. An explicit load() afterwards tries again from scratch.
 */

/**
 * V8's memory reducer runs full garbage collections in a process that allocates little, to
 * shrink an idle heap; the engine looks idle to it while it plays. Measured: full GCs every
 * ~9 s in steady playback (one paused the main thread ~100 ms, longer than the naudiodon
 * queue), about an eighth of the engine's CPU. Its heap is a few MB: ordinary GCs suffice.
 */
const ENGINE_V8_FLAGS = ['--no-memory-reducer'];

export type EngineLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface EngineClientOptions {
  /** The engine entry: dist/engine.js when bundled, or src/engine/main.ts in development. */
  readonly enginePath: string;
  /** 'auto' (default), 'naudiodon', 'null', 'pipe' or 'wav:/abs/file.wav'. */
  readonly sink?: string;
  /** Output device name; the default device when absent. */
  readonly device?: string;
  /** Pause/resume fade in ms (engine default 12); 0 for a sample-exact pause. */
  readonly pauseFadeMs?: number;
  /** Run the device at this rate and resample every track to it (devices stuck at one rate). */
  readonly outputRate?: number;
  /** Release the output device after this long paused (engine default 10 s); reopened on play. */
  readonly releaseDeviceAfterPauseMs?: number;
  /** Proxy and disk cache for http(s) tracks (VS Code's http.* settings, globalStorage). */
  readonly network?: NetworkSettings;
  /** Added to the engine's environment (e.g. HOME for an ALSA capture config in tests). */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to process.execPath (Electron's Node in the extension host, with ELECTRON_RUN_AS_NODE). */
  readonly execPath?: string;
  /** Defaults to [] for .js and ['--import', 'tsx'] for a .ts entry. */
  readonly execArgv?: readonly string[];
  /** Crashes tolerated within `crashWindowMs` before giving up (default 3 within 60 s). */
  readonly maxCrashes?: number;
  readonly crashWindowMs?: number;
  /**
   * The engine sends stats every second; silence this long means its main thread hangs (in
   * native code, say): the client kills it and recovers as from a crash. Default 15 s.
   */
  readonly hangTimeoutMs?: number;
  readonly log?: (level: EngineLogLevel, message: string) => void;
}

export interface EngineRestart {
  readonly pid: number;
  /** Crashes within the current window, this one included. */
  readonly crashes: number;
  /** Date.now() when the host noticed the old process had died. */
  readonly noticedAt: number;
  /** Where the track was resumed (the position heard when the death was noticed). */
  readonly resumedAtMs: number | undefined;
}

interface Pending {
  readonly command: EngineCommand['type'];
  resolve(value: unknown): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

/** tsx's loader by absolute URL, so a .ts engine starts whatever the working directory. */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(__filename).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}

/** Delay before the n-th restart inside the crash window. */
const RESTART_BACKOFF_MS = [0, 300, 1500];
/** How long a replaced engine gets to answer the commands already sent to it. */
const REPLACE_ANSWER_WAIT_MS = 3000;

export class EngineClient extends Disposable implements AudioEngine {
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
  private readonly _onStats = this._register(new Emitter<EngineStats>());
  /** About once a second: engine RSS, CPU, pipe fill, underruns, first-PCM latency. */
  readonly onStats = this._onStats.event;
  private readonly _onTimings = this._register(new Emitter<EngineTimings>());
  /** Decode and output spans measured in the engine, about once a second while it works. */
  readonly onTimings = this._onTimings.event;
  private readonly _onUnderrun = this._register(new Emitter<{ trackId: string | undefined; at: number }>());
  readonly onUnderrun = this._onUnderrun.event;
  private readonly _onStreamTitle = this._register(new Emitter<{ readonly trackId: string; readonly title: string }>());
  readonly onStreamTitle = this._onStreamTitle.event;
  private readonly _onBuffering = this._register(new Emitter<BufferingProgress>());
  readonly onBuffering = this._onBuffering.event;
  private readonly _onDidRestart = this._register(new Emitter<EngineRestart>());
  /** The engine process was restarted after a crash and the track restored. */
  readonly onDidRestart = this._onDidRestart.event;

  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private _state: EngineState = 'idle';
  private crashTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private lastMessageAt = 0;
  private hangTimer: NodeJS.Timeout | undefined;

  // What the engine should be doing, restored after a crash.
  private current: LoadedTrack | undefined;
  private playing = false;
  private lastPosition: PositionReport | undefined;
  private volume = 1;
  private device: string | undefined;
  private nextTrack: TrackRef | undefined;

  constructor(private readonly options: EngineClientOptions) {
    super();
    this.device = options.device;
    this._register(toDisposable(() => this.shutdownChild()));
  }

  get state(): EngineState {
    return this._state;
  }

  /** The engine process id (for diagnostics and the crash test). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Start the engine process now instead of at the first command. */
  start(): Promise<void> {
    return this.ensureStarted();
  }

  // --- AudioEngine --------------------------------------------------------------------------

  async load(track: TrackRef, options: { startMs?: number; autoplay: boolean }): Promise<LoadedTrack> {
    this.crashTimes = [];
    this.current = undefined;
    this.playing = options.autoplay;
    this.lastPosition = undefined;
    const loaded = await this.request({ type: 'load', track, autoplay: options.autoplay, ...(options.startMs !== undefined ? { startMs: options.startMs } : {}) });
    this.current = loaded;
    this.lastPosition = { trackId: track.id, positionMs: options.startMs ?? 0, at: Date.now(), playing: options.autoplay };
    return loaded;
  }

  async play(): Promise<void> {
    this.playing = true;
    this.freezePosition(true);
    await this.request({ type: 'play' });
  }

  async pause(): Promise<void> {
    this.freezePosition(false);
    this.playing = false;
    if (!this.isStarted) return;
    await this.request({ type: 'pause' });
  }

  async stop(): Promise<void> {
    this.current = undefined;
    this.playing = false;
    this.lastPosition = undefined;
    if (!this.isStarted) return;
    await this.request({ type: 'stop' });
  }

  async seek(positionMs: number): Promise<void> {
    if (this.current) this.lastPosition = { trackId: this.current.track.id, positionMs, at: Date.now(), playing: this.playing };
    await this.request({ type: 'seek', positionMs });
  }

  async setVolume(volume: number): Promise<void> {
    this.volume = Math.max(0, Math.min(1, volume));
    // The player sets the volume at VS Code's start: remembered, applied when the engine starts.
    if (!this.isStarted) return;
    await this.request({ type: 'setVolume', volume: this.volume });
  }

  async preloadNext(track: TrackRef | undefined): Promise<void> {
    this.nextTrack = track;
    if (!track && !this.isStarted) return;
    await this.request({ type: 'preloadNext', track });
  }

  listDevices(): Promise<DeviceInfo[]> {
    return this.request({ type: 'listDevices' });
  }

  async setDevice(name: string | undefined): Promise<void> {
    this.device = name;
    if (!this.isStarted) return; // the engine starts on this device
    await this.request({ type: 'setDevice', name });
  }

  // --- diagnostics --------------------------------------------------------------------------
  // Neither starts the engine: a process started only to be measured would measure nothing.

  /** The engine process's memory, uptime, live resources and stats; undefined when it is not running. */
  async diagnostics(options: { gc?: boolean } = {}): Promise<EngineDiagnostics | undefined> {
    if (!(await this.whenRunning())) return undefined;
    return this.send({ type: 'diagnostics', ...(options.gc ? { gc: true } : {}) });
  }

  /** Writes a heap snapshot of the engine process into `dir` (absolute); its path, or undefined when the engine is not running. */
  async heapSnapshot(dir: string): Promise<string | undefined> {
    if (!(await this.whenRunning())) return undefined;
    return (await this.send({ type: 'heapSnapshot', dir })).file;
  }

  /** Waits for a start or restart in progress; false when no engine process is running. */
  private async whenRunning(): Promise<boolean> {
    if (this.isDisposed || !this.ready) return false;
    await this.ready;
    return this.child?.connected === true;
  }

  // --- process management -------------------------------------------------------------------

  private request<K extends EngineCommand['type']>(command: Extract<EngineCommand, { type: K }>): Promise<CommandResults[K]> {
    if (this.isDisposed) return Promise.reject(new Error('The audio engine is disposed'));
    return this.ensureStarted().then(() => this.send(command));
  }

  /** Send on the current process without waiting for recovery (used by recovery itself). */
  private send<K extends EngineCommand['type']>(command: Extract<EngineCommand, { type: K }>): Promise<CommandResults[K]> {
    const child = this.child;
    if (!child || !child.connected) return Promise.reject(new Error('The audio engine is not running'));
    const id = this.nextId++;
    return new Promise<CommandResults[K]>((resolve, reject) => {
      const timeoutMs = COMMAND_TIMEOUT_MS[command.type];
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`The audio engine did not answer '${command.type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { command: command.type, resolve: resolve as (v: unknown) => void, reject, timer });
      const message: RequestMessage = { kind: 'request', id, command };
      child.send(message, (error) => {
        if (error) this.settle(id, false, `could not send '${command.type}': ${error.message}`);
      });
    });
  }

  private settle(id: number, ok: boolean, payload: unknown): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (ok) pending.resolve(payload);
    else pending.reject(new Error(String(payload)));
  }

  /**
   * A process is running, starting or about to be restarted. Without one, commands that only
   * set state (volume, no next track, pause, stop) are remembered instead of starting one: the
   * engine starts at the first load, play or device listing, not at VS Code's activation.
   */
  private get isStarted(): boolean {
    return this.ready !== undefined || this.child !== undefined || this.restartTimer !== undefined;
  }

  private ensureStarted(): Promise<void> {
    if (!this.ready) {
      const ready = this.spawn()
        .then(async () => {
          if (this.volume !== 1) await this.send({ type: 'setVolume', volume: this.volume });
        })
        .catch((error: unknown) => {
          // A failed start must not poison every later command: the next one tries again.
          if (this.ready === ready) this.ready = undefined;
          throw error;
        });
      this.ready = ready;
    }
    return this.ready;
  }

  private spawn(): Promise<void> {
    const { enginePath } = this.options;
    const isTs = enginePath.endsWith('.ts');
    const execArgv = [...ENGINE_V8_FLAGS, ...(this.options.execArgv ?? (isTs ? ['--import', tsxLoader()] : []))];
    const args = engineArgv({
      ...(this.options.sink !== undefined ? { sink: this.options.sink } : {}),
      ...(this.device !== undefined ? { device: this.device } : {}),
      ...(this.options.pauseFadeMs !== undefined ? { pauseFadeMs: this.options.pauseFadeMs } : {}),
      ...(this.options.outputRate !== undefined ? { outputRate: this.options.outputRate } : {}),
      ...(this.options.releaseDeviceAfterPauseMs !== undefined ? { releaseDeviceAfterPauseMs: this.options.releaseDeviceAfterPauseMs } : {}),
      ...(this.options.network !== undefined ? { network: this.options.network } : {}),
    });
    const child = fork(enginePath, args, {
      execPath: this.options.execPath ?? process.execPath,
      execArgv,
      env: { ...SOUND_SERVER_LATENCY, ...process.env, ELECTRON_RUN_AS_NODE: '1', ...this.options.env },
      // JSON, not 'advanced': every message is plain data (no Buffers, Maps, Errors or NaN;
      // undefined fields are simply absent, which the parsers accept), and a send costs the
      // engine a fraction of the structured clone's (position reports go 10 times a second).
      serialization: 'json',
      // stdout carries PortAudio's printf noise and stderr ALSA's: drained into the debug log.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    trackChildProcess(child, 'EngineClient');
    const drain = (stream: NodeJS.ReadableStream | null, label: string) => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.log('debug', `engine ${label}: ${line}`);
      });
    };
    drain(child.stdout, 'stdout');
    drain(child.stderr, 'stderr');

    return new Promise<void>((resolve, reject) => {
      let isReady = false;
      const startTimer = setTimeout(() => {
        if (!isReady) {
          reject(new Error('The audio engine did not start within 10 s'));
          child.kill('SIGKILL');
        }
      }, 10_000);
      child.on('message', (raw: unknown) => {
        this.lastMessageAt = Date.now();
        const message = parseEngineMessage(raw);
        if (typeof message === 'string') {
          this.log('warn', `dropped a malformed engine message: ${message}`);
          return;
        }
        if (message.kind === 'reply') {
          this.settle(message.id, message.ok, message.ok ? message.result : message.error);
          return;
        }
        if (message.event.type === 'ready' && !isReady) {
          isReady = true;
          clearTimeout(startTimer);
          this.log('info', `engine started (pid ${message.event.pid}, sink ${message.event.sink})`);
          this.watchForHang(child);
          resolve();
          return;
        }
        if (child === this.child) this.onEvent(message.event);
      });
      child.on('error', (error) => {
        this.log('error', `engine process error: ${error.message}`);
        if (!isReady) {
          clearTimeout(startTimer);
          reject(error);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(startTimer);
        if (!isReady) reject(new Error(`The audio engine exited during start (${signal ?? code})`));
        if (child === this.child) this.onExit(code, signal);
      });
    });
  }

  private watchForHang(child: ChildProcess): void {
    if (this.hangTimer) clearInterval(this.hangTimer);
    const timeoutMs = this.options.hangTimeoutMs ?? 15_000;
    const tickMs = Math.min(1000, Math.max(100, timeoutMs / 4));
    let lastTick = Date.now();
    this.hangTimer = setInterval(() => {
      if (child !== this.child) {
        clearInterval(this.hangTimer);
        this.hangTimer = undefined;
        return;
      }
      const now = Date.now();
      const late = now - lastTick > 2 * tickMs;
      lastTick = now;
      // A late tick: this process was blocked itself (writing a heap snapshot, a debugger, a
      // long GC). Timers run before the messages that waited meanwhile are read, so the
      // engine's silence says nothing yet: judge at the next tick.
      if (late) return;
      const silentMs = now - this.lastMessageAt;
      if (silentMs >= timeoutMs) {
        this.log('error', `the audio engine has not answered for ${silentMs} ms; killing it (pid ${child.pid})`);
        child.kill('SIGKILL');
      }
    }, tickMs);
    this.hangTimer.unref();
  }

  private onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'state':
        this.setState(event.state);
        if (event.state === 'playing') this.playing = true;
        else if (event.state === 'paused') this.playing = false;
        break;
      case 'position':
        if (!this.current || event.report.trackId === this.current.track.id) this.lastPosition = event.report;
        this._onPosition.fire(event.report);
        break;
      case 'trackStarted':
        this.current = event.loaded;
        if (this.nextTrack?.id === event.loaded.track.id) this.nextTrack = undefined;
        this.lastPosition = { trackId: event.loaded.track.id, positionMs: 0, at: Date.now(), playing: this.playing };
        this._onTrackStarted.fire(event.loaded);
        break;
      case 'trackEnded':
        if (this.current?.track.id === event.trackId) {
          this.current = undefined;
          this.lastPosition = undefined;
        }
        this._onTrackEnded.fire({ trackId: event.trackId });
        break;
      case 'underrun':
        this._onUnderrun.fire({ trackId: event.trackId, at: event.at });
        break;
      case 'streamTitle':
        this._onStreamTitle.fire({ trackId: event.trackId, title: event.title });
        break;
      case 'buffering':
        this._onBuffering.fire({ trackId: event.trackId, progress: event.progress });
        break;
      case 'error':
        this._onError.fire(event.error);
        break;
      case 'stats':
        this._onStats.fire(event.stats);
        if (event.timings) this._onTimings.fire(event.timings);
        break;
      case 'log':
        this.log(event.level, event.message);
        break;
      case 'outputStuck':
        this.replaceEngine(event.message);
        break;
      case 'ready':
        break;
    }
  }

  /**
   * The engine's output device would not close, which spoils PortAudio in that process: a new
   * stream there plays silence. Commands from here on go to a fresh engine, which resumes
   * where the listener was; the old one answers what it was already sent, then is killed
   * (its own exit can hang in the device's teardown). Not a crash: no back-off, no count.
   */
  private replaceEngine(reason: string): void {
    const old = this.child;
    if (!old) return;
    this.log('warn', `replacing the audio engine (pid ${old.pid}): ${reason}`);
    const answered = this.settledAll([...this.pending.keys()], REPLACE_ANSWER_WAIT_MS);
    // Its events and exit are no longer ours; recover() spawns the new one.
    this.child = undefined;
    this.ready = undefined;
    void answered.then(() => old.kill('SIGKILL'));
    void this.recover(undefined, this.crashTimes.length, Date.now(), answered);
  }

  /** Resolves once none of `ids` is pending any more, or after `capMs`. */
  private settledAll(ids: readonly number[], capMs: number): Promise<void> {
    const deadline = Date.now() + capMs;
    return new Promise((resolve) => {
      const check = () => {
        if (ids.every((id) => !this.pending.has(id)) || Date.now() >= deadline) resolve();
        else setTimeout(check, 20);
      };
      check();
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    this.ready = undefined;
    for (const [id] of this.pending) this.settle(id, false, `The audio engine exited (${signal ?? code})`);
    if (this.isDisposed) return;
    const now = Date.now();
    const windowMs = this.options.crashWindowMs ?? 60_000;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < windowMs), now];
    const crashes = this.crashTimes.length;
    const maxCrashes = this.options.maxCrashes ?? 3;
    this.log('warn', `engine exited unexpectedly (${signal ?? code}); crash ${crashes} of ${maxCrashes} allowed in ${windowMs / 1000} s`);
    // Where the listener was when it died: the last report, moved on by the time since.
    const resumeAt = this.positionAt(now);
    if (crashes > maxCrashes) {
      this.current = undefined;
      this.playing = false;
      this.setState('idle');
      this._onError.fire({
        trackId: this.lastPosition?.trackId,
        kind: 'crash',
        message: `The audio engine crashed ${crashes} times in ${Math.round(windowMs / 1000)} s and was not restarted. Play again to retry; see the Playhead log for details.`,
        fatalForTrack: true,
      });
      return;
    }
    const delay = RESTART_BACKOFF_MS[Math.min(crashes - 1, RESTART_BACKOFF_MS.length - 1)] ?? 0;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.recover(resumeAt, crashes, now);
    }, delay);
  }

  /**
   * Spawns a new engine and resumes `current` on it. `before`: a replaced engine still
   * answering what it was sent (a stop, a load), which decides what and where to resume.
   */
  private async recover(resumeAtMs: number | undefined, crashes: number, noticedAt: number, before?: Promise<void>): Promise<void> {
    let current = this.current;
    let playing = this.playing;
    // Commands issued meanwhile wait for the whole restore, not just the spawn.
    const restore = (async () => {
      if (before) {
        await before;
        if (this.isDisposed) return;
        current = this.current;
        playing = this.playing;
        resumeAtMs = this.positionAt(Date.now());
      }
      await this.spawn();
      if (this.volume !== 1) await this.send({ type: 'setVolume', volume: this.volume });
      if (current) {
        await this.send({ type: 'load', track: current.track, autoplay: playing, ...(resumeAtMs !== undefined ? { startMs: resumeAtMs } : {}) });
        this.lastPosition = { trackId: current.track.id, positionMs: resumeAtMs ?? 0, at: Date.now(), playing };
        if (this.nextTrack) await this.send({ type: 'preloadNext', track: this.nextTrack }).catch(() => undefined);
      }
    })();
    this.ready = restore;
    try {
      await restore;
      if (this.isDisposed) return;
      this.log('info', `engine restarted (pid ${this.child?.pid}); ${current ? `resumed ${current.track.uri} at ${Math.round(resumeAtMs ?? 0)} ms` : 'nothing to resume'}`);
      this._onDidRestart.fire({ pid: this.child?.pid ?? 0, crashes, noticedAt, resumedAtMs: current ? (resumeAtMs ?? 0) : undefined });
    } catch (error) {
      this.log('error', `engine restart failed: ${error instanceof Error ? error.message : String(error)}`);
      if (this.ready === restore) this.ready = undefined;
      this._onError.fire({
        trackId: current?.track.id,
        kind: 'crash',
        message: `The audio engine could not be restarted: ${error instanceof Error ? error.message : String(error)}`,
        fatalForTrack: true,
      });
      this.setState('idle');
    }
  }

  private positionAt(now: number): number | undefined {
    const last = this.lastPosition;
    if (!last || !this.current || last.trackId !== this.current.track.id) return undefined;
    let position = last.positionMs + (last.playing && this.playing ? Math.max(0, now - last.at) : 0);
    if (this.current.durationMs !== undefined) position = Math.min(position, this.current.durationMs);
    return position;
  }

  /** On play/pause, pin the extrapolated position so the clock restarts from here. */
  private freezePosition(playing: boolean): void {
    const positionMs = this.positionAt(Date.now());
    if (this.current && positionMs !== undefined) this.lastPosition = { trackId: this.current.track.id, positionMs, at: Date.now(), playing };
  }

  private setState(state: EngineState): void {
    if (this._state === state) return;
    this._state = state;
    this._onDidChangeState.fire(state);
  }

  private log(level: EngineLogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  private shutdownChild(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.hangTimer) clearInterval(this.hangTimer);
    this.hangTimer = undefined;
    for (const [id] of this.pending) this.settle(id, false, 'The audio engine is disposed');
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (!child) return;
    try {
      if (child.connected) child.send({ kind: 'request', id: this.nextId++, command: { type: 'shutdown' } } satisfies RequestMessage);
    } catch {
      // already gone
    }
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 1000);
    killTimer.unref();
    child.once('exit', () => clearTimeout(killTimer));
    child.stdout?.resume();
    child.stderr?.resume();
  }
}
