import type { AudioEngine, LoadedTrack, TrackRef } from '../engine/api';

export interface CliEngineViewOptions {
  /** `play --start`: the first load begins this far in. */
  readonly firstStartMs?: number;
  /**
   * For outputs that are not paced in real time (a WAV file): a track loaded to play is held
   * paused until the player has said what follows it (its preload call, which comes right
   * after every load), so the whole queue goes through the engine's gapless path as one open
   * output. No longer needed for correctness: the engine's wav sink now appends when the next
   * track reopens it (it used to truncate). Kept while player-session.ts and its CLI test rely
   * on it; removing it there changes no byte of the file.
   */
  readonly holdUntilPreload?: boolean;
}

/**
 * The engine as the CLI's player sees it: the real engine with two small adjustments the
 * player has no API for (see the options). Everything else passes straight through; it owns
 * nothing, so disposing it leaves the real engine to its owner.
 */
export class CliEngineView implements AudioEngine {
  private pendingStartMs: number | undefined;
  /** A load asked to play is waiting for the next preloadNext() before it starts. */
  private held = false;

  constructor(
    private readonly inner: AudioEngine,
    private readonly options: CliEngineViewOptions,
  ) {
    this.pendingStartMs = options.firstStartMs !== undefined && options.firstStartMs > 0 ? options.firstStartMs : undefined;
  }

  get state() {
    return this.inner.state;
  }
  get onDidChangeState() {
    return this.inner.onDidChangeState;
  }
  get onPosition() {
    return this.inner.onPosition;
  }
  get onTrackStarted() {
    return this.inner.onTrackStarted;
  }
  get onTrackEnded() {
    return this.inner.onTrackEnded;
  }
  get onError() {
    return this.inner.onError;
  }
  get onStreamTitle() {
    return this.inner.onStreamTitle;
  }
  get onBuffering() {
    return this.inner.onBuffering;
  }

  load(track: TrackRef, options: { startMs?: number; autoplay: boolean }): Promise<LoadedTrack> {
    const startMs = this.pendingStartMs ?? options.startMs;
    this.pendingStartMs = undefined;
    this.held = this.options.holdUntilPreload === true && options.autoplay;
    return this.inner.load(track, {
      autoplay: options.autoplay && !this.held,
      ...(startMs !== undefined ? { startMs } : {}),
    });
  }

  async preloadNext(track: TrackRef | undefined): Promise<void> {
    await this.inner.preloadNext(track);
    if (this.held) {
      this.held = false;
      await this.inner.play();
    }
  }

  play(): Promise<void> {
    this.held = false;
    return this.inner.play();
  }
  pause(): Promise<void> {
    this.held = false;
    return this.inner.pause();
  }
  stop(): Promise<void> {
    this.held = false;
    return this.inner.stop();
  }
  seek(positionMs: number): Promise<void> {
    return this.inner.seek(positionMs);
  }
  setVolume(volume: number): Promise<void> {
    return this.inner.setVolume(volume);
  }

  dispose(): void {}
}
