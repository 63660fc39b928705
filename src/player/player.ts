import { Emitter, Event } from '../base/event';
import { Disposable } from '../base/lifecycle';
import { resources } from '../diagnostics/resource-tracker';
import type { AudioEngine, EngineError, EngineState, LoadedTrack, PositionReport, TrackRef } from '../engine/api';
import { EngineRefs } from './engine-refs';
import { Favorites, HistoryEntry, PlayHistory } from './history';
import {
  loadFavorites,
  loadHistory,
  loadPosition,
  loadSession,
  serializePosition,
  serializeSession,
  storageKeys,
} from './persistence';
import { AdvanceKind, MoveDirection, PlayOrder, RepeatMode, repeatModes } from './play-order';
import { replayGainFactor, type ReplayGainMode } from './replay-gain';
import { Queue } from './queue';
import { accepted, CommandResult, rejected } from './result';
import { realTimers, SaveScheduler, TimerHost } from './save-scheduler';
import type { PlayerError, PlayerSnapshot } from './snapshot';
import { StateChange, StateMachine, TransitionCause } from './state-machine';
import type { StateStore } from './store';
import { displayTitle, parseTrack, QueueItem, Track } from './track';
import type { PlayerState } from './transitions';

export interface PlayerOptions {
  readonly engine: AudioEngine;
  /** Where the session, history and favorites live (VS Code globalState, a JsonFileStore...). */
  readonly store: StateStore;
  readonly log?: (message: string) => void;
  /** Defaults to Date.now; tests pass a fake clock. */
  readonly now?: () => number;
  /** Defaults to Math.random; used for shuffle only. */
  readonly random?: () => number;
  readonly timers?: TimerHost;
  /** How often the position is saved while playing. Default 5000 ms. */
  readonly positionSaveIntervalMs?: number;
  /** How long other changes may wait before they are saved (coalescing bursts). Default 250 ms. */
  readonly saveDelayMs?: number;
  /** Previous restarts the track instead when further in than this. Default 3000 ms. */
  readonly restartThresholdMs?: number;
  readonly historyLimit?: number;
  /** ReplayGain mode, read at each load and preload (a change applies from the next track). Default off. */
  readonly replayGain?: () => ReplayGainMode;
}

export interface QueueChange {
  readonly version: number;
  readonly length: number;
}

type StoreKey = keyof typeof storageKeys;

/** A track that ends sooner than this after it started counts as "ended at once". */
const instantEndMs = 250;

/**
 * The player core: owns the queue, the play order and the state machine, drives the engine,
 * and publishes one snapshot. Plain Node (no `vscode`), so the extension, the CLI and the REST
 * API share it.
 *
 * How it stays consistent with an asynchronous engine:
 * - Commands change the player's state synchronously (the snapshot is right at once), then
 *   queue their engine calls on one chain, so the engine sees calls in command order.
 * - Every load or preload gets a fresh TrackRef id (see EngineRefs). Engine events name that
 *   id, so an event about a track the player has moved away from is recognised as stale and
 *   ignored instead of corrupting the state.
 */
export class Player extends Disposable {
  private readonly engine: AudioEngine;
  private readonly store: StateStore;
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private readonly positionSaveIntervalMs: number;
  private readonly saveDelayMs: number;
  private readonly restartThresholdMs: number;

  private readonly machine = this._register(new StateMachine('stopped'));
  private readonly queue = new Queue();
  private readonly order: PlayOrder;
  private readonly playHistory: PlayHistory;
  private readonly favoriteTracks = new Favorites();
  private readonly saver: SaveScheduler<StoreKey>;

  /** What the engine has been given: tells current, preloaded and stale engine events apart. */
  private readonly refs: EngineRefs;

  private positionMs = 0;
  private positionAt: number;
  private durationMs: number | undefined;
  private volume = 1;
  private muted = false;
  private stopAfterCurrent = false;
  private error: PlayerError | undefined;
  /** The current track's stream title (ICY), cleared whenever another load or track starts. */
  private streamTitle: string | undefined;
  /** A title the preloaded stream announced before it was heard: it comes with the track. */
  private preloadTitle: { readonly refId: string; readonly title: string } | undefined;
  private bufferingProgress = 0;
  /** Tracks that failed in a row; reaching the queue length means nothing here can play. */
  private consecutiveFailures = 0;
  /** Date.now() when the engine confirmed the current track, to spot tracks that end at once. */
  private trackStartedAt = 0;
  /**
   * Tracks in a row that ended almost as soon as they started (empty or truncated files). With
   * repeat on they would cycle forever without ever failing, so they are bounded like failures.
   */
  private consecutiveInstantEnds = 0;

  private version = 0;
  private announcedQueueVersion: number;
  private current: PlayerSnapshot;
  private engineCalls: Promise<void> = Promise.resolve();

  private readonly onDidChangeSnapshotEmitter = this._register(new Emitter<PlayerSnapshot>());
  /** Fires after every change, with the new snapshot (including position reports). */
  readonly onDidChangeSnapshot: Event<PlayerSnapshot> = this.onDidChangeSnapshotEmitter.event;
  private readonly onDidChangeQueueEmitter = this._register(new Emitter<QueueChange>());
  /** Fires when the queue's items change (not when only the current index moves). */
  readonly onDidChangeQueue: Event<QueueChange> = this.onDidChangeQueueEmitter.event;
  /** Every state transition, with its cause. */
  readonly onDidChangeState: Event<StateChange> = this.machine.onDidChange;
  private readonly onDidChangeHistoryEmitter = this._register(new Emitter<void>());
  readonly onDidChangeHistory: Event<void> = this.onDidChangeHistoryEmitter.event;
  private readonly onDidChangeFavoritesEmitter = this._register(new Emitter<void>());
  readonly onDidChangeFavorites: Event<void> = this.onDidChangeFavoritesEmitter.event;

  constructor(options: PlayerOptions) {
    super();
    this._register(resources.track('owner', 'Player'));
    this.engine = options.engine;
    this.store = options.store;
    this.log = options.log ?? ((message) => console.warn(`[playhead] ${message}`));
    this.now = options.now ?? Date.now;
    this.positionSaveIntervalMs = options.positionSaveIntervalMs ?? 5000;
    this.saveDelayMs = options.saveDelayMs ?? 250;
    this.restartThresholdMs = options.restartThresholdMs ?? 3000;
    const replayGain = options.replayGain ?? (() => 'off');
    this.refs = new EngineRefs((track) => replayGainFactor(track, replayGain()));
    this.order = new PlayOrder(this.queue, options.random);
    this.playHistory = new PlayHistory(options.historyLimit);
    this.positionAt = this.now();
    this.saver = this._register(
      new SaveScheduler<StoreKey>(options.timers ?? realTimers, this.now, (keys) => this.write(keys)),
    );

    this.restore();
    this.current = this.buildSnapshot();
    this.announcedQueueVersion = this.current.queueVersion;

    this._register(this.engine.onDidChangeState((state) => this.onEngineState(state)));
    this._register(this.engine.onPosition((report) => this.onEnginePosition(report)));
    this._register(this.engine.onTrackStarted((loaded) => this.onEngineTrackStarted(loaded)));
    this._register(this.engine.onTrackEnded(({ trackId }) => this.onEngineTrackEnded(trackId)));
    this._register(this.engine.onError((error) => this.onEngineError(error)));
    if (this.engine.onStreamTitle) {
      this._register(this.engine.onStreamTitle(({ trackId, title }) => this.onEngineStreamTitle(trackId, title)));
    }
    if (this.engine.onBuffering) {
      this._register(this.engine.onBuffering(({ trackId, progress }) => this.onEngineBuffering(trackId, progress)));
    }

    void this.callEngine(() => this.engine.setVolume(this.effectiveVolume));
  }

  // ---- Reading -------------------------------------------------------------------------

  get snapshot(): PlayerSnapshot {
    return this.current;
  }

  get state(): PlayerState {
    return this.machine.state;
  }

  /** A copy of the queue's items. */
  getQueue(): QueueItem[] {
    return this.queue.toArray();
  }

  /**
   * What plays when the current track ends by itself (shuffle, repeat and stop-after-current
   * applied): the track the engine has been asked to preload. For an "Up next" line.
   */
  peekNext(): QueueItem | undefined {
    if (this.stopAfterCurrent || this.queue.currentIndex < 0) {
      return undefined;
    }
    const id = this.order.following('auto');
    return id === undefined ? undefined : this.queue.get(this.queue.indexOf(id));
  }

  get history(): readonly HistoryEntry[] {
    return this.playHistory.entries;
  }

  get favorites(): Track[] {
    return this.favoriteTracks.list();
  }

  isFavorite(uri: string): boolean {
    return this.favoriteTracks.has(uri);
  }

  // ---- Transport -----------------------------------------------------------------------

  /** Stopped: starts the current item (or the first one). Paused: resumes. */
  async play(): Promise<CommandResult> {
    const check = this.checkTransport('play');
    if (!check.ok) {
      return check;
    }
    if (this.queue.length === 0) {
      return rejected('empty-queue', 'The queue is empty.');
    }
    this.userStartedPlayback();
    if (this.state === 'paused' && this.refs.current) {
      this.machine.transition('playing', 'play');
      this.publish();
      await this.callEngine(() => this.engine.play());
      return accepted;
    }
    // Paused after a reload (the engine has nothing loaded yet) or stopped.
    const resumeAt = this.state === 'paused' ? this.positionMs : 0;
    const id = this.queue.currentItem?.id ?? this.firstToPlay();
    if (id === undefined) {
      return rejected('empty-queue', 'The queue is empty.');
    }
    await this.startItem(id, { autoplay: true, startMs: resumeAt, cause: 'play', direction: 'forward' });
    return accepted;
  }

  async pause(): Promise<CommandResult> {
    const check = this.checkTransport('pause');
    if (!check.ok) {
      return check;
    }
    this.machine.transition('paused', 'pause');
    this.positionAt = this.now();
    this.publish();
    this.markDirty('position', 0);
    await this.callEngine(() => this.engine.pause());
    return accepted;
  }

  async toggle(): Promise<CommandResult> {
    const check = this.checkTransport('toggle');
    if (!check.ok) {
      return check;
    }
    return this.state === 'playing' || this.state === 'buffering' ? this.pause() : this.play();
  }

  /** Stops playback; the current item stays current, so Play starts it again from the top. */
  async stop(): Promise<CommandResult> {
    const check = this.checkTransport('stop');
    if (!check.ok) {
      return check;
    }
    this.error = undefined;
    this.stopPlayback('stop');
    this.publish();
    await this.engineCalls;
    return accepted;
  }

  /** Seeks to `positionMs`, clamped to [0, duration]. */
  async seek(positionMs: number): Promise<CommandResult> {
    const check = this.checkTransport('seek');
    if (!check.ok) {
      return check;
    }
    if (!Number.isFinite(positionMs)) {
      return rejected('out-of-range', `Not a position: ${positionMs}`);
    }
    if (this.durationMs === undefined) {
      return rejected('not-seekable', 'This track cannot seek (live stream or unknown length).');
    }
    const target = Math.round(Math.min(this.durationMs, Math.max(0, positionMs)));
    this.positionMs = target;
    this.positionAt = this.now();
    this.publish();
    this.markDirty('position', this.saveDelayMs);
    if (this.refs.current) {
      await this.callEngine(() => this.engine.seek(target));
    }
    return accepted;
  }

  /** Seeks by `deltaMs` from the current position (negative goes back), clamped. */
  seekBy(deltaMs: number): Promise<CommandResult> {
    if (!Number.isFinite(deltaMs)) {
      return Promise.resolve(rejected('out-of-range', `Not a distance: ${deltaMs}`));
    }
    return this.seek(this.estimatedPositionMs() + deltaMs);
  }

  /** Next in play order (shuffle and repeat all apply; repeat one does not hold Next back). */
  async next(): Promise<CommandResult> {
    const check = this.checkTransport('next');
    if (!check.ok) {
      return check;
    }
    const id = this.order.following('skip');
    if (id === undefined) {
      return rejected(this.queue.length === 0 ? 'empty-queue' : 'no-next', 'There is no next track.');
    }
    this.userStartedPlayback();
    await this.goTo(id, 'next', 'forward');
    return accepted;
  }

  /** Restarts the track when more than ~3 s in; otherwise goes to the previous track. */
  async previous(): Promise<CommandResult> {
    const check = this.checkTransport('previous');
    if (!check.ok) {
      return check;
    }
    const hasTrack = this.state !== 'stopped' && this.queue.currentItem !== undefined;
    if (hasTrack && this.estimatedPositionMs() > this.restartThresholdMs) {
      return this.restartCurrent();
    }
    const id = this.order.preceding();
    if (id === undefined) {
      if (hasTrack) {
        return this.restartCurrent();
      }
      return rejected(this.queue.length === 0 ? 'empty-queue' : 'no-previous', 'There is no previous track.');
    }
    this.userStartedPlayback();
    await this.goTo(id, 'previous', 'back');
    return accepted;
  }

  /** Plays the queue item at `index` from its start. */
  async playAt(index: number): Promise<CommandResult> {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    const item = this.queue.isValidIndex(index) ? this.queue.get(index) : undefined;
    if (!item) {
      return rejected('out-of-range', `No queue item at index ${index}.`);
    }
    this.userStartedPlayback();
    await this.startItem(item.id, { autoplay: true, startMs: 0, cause: 'playAt', direction: 'jump' });
    return accepted;
  }

  // ---- Settings ------------------------------------------------------------------------

  async setVolume(volume: number): Promise<CommandResult> {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    if (!Number.isFinite(volume)) {
      return rejected('out-of-range', `Not a volume: ${volume}`);
    }
    this.volume = Math.min(1, Math.max(0, volume));
    this.settingsChanged();
    await this.callEngine(() => this.engine.setVolume(this.effectiveVolume));
    return accepted;
  }

  async setMuted(muted: boolean): Promise<CommandResult> {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    this.muted = muted;
    this.settingsChanged();
    await this.callEngine(() => this.engine.setVolume(this.effectiveVolume));
    return accepted;
  }

  toggleMute(): Promise<CommandResult> {
    return this.setMuted(!this.muted);
  }

  /** On: a new cycle starting with the current track. Off: back to queue order from here. */
  setShuffle(on: boolean): CommandResult {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    if (on !== this.order.shuffle) {
      this.order.setShuffle(on);
      this.settingsChanged();
      this.syncPreloadSoon();
    }
    return accepted;
  }

  setRepeat(mode: RepeatMode): CommandResult {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    if (!repeatModes.includes(mode)) {
      return rejected('out-of-range', `Not a repeat mode: ${String(mode)}`);
    }
    if (mode !== this.order.repeat) {
      this.order.repeat = mode;
      this.settingsChanged();
      this.syncPreloadSoon();
    }
    return accepted;
  }

  /** off → all → one → off, the order of most players' repeat button. */
  cycleRepeat(): CommandResult {
    const index = repeatModes.indexOf(this.order.repeat);
    return this.setRepeat(repeatModes[(index + 1) % repeatModes.length]!);
  }

  /** When on, playback stops when the current track ends (once; then it turns itself off). */
  setStopAfterCurrent(on: boolean): CommandResult {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    if (on !== this.stopAfterCurrent) {
      this.stopAfterCurrent = on;
      this.publish();
      this.syncPreloadSoon();
    }
    return accepted;
  }

  // ---- Queue ---------------------------------------------------------------------------

  /** Appends tracks; returns the new queue items (malformed tracks are dropped and logged). */
  add(tracks: readonly Track[]): QueueItem[] {
    const clean = this.sanitize(tracks);
    if (clean.length === 0) {
      return [];
    }
    const items = this.queue.add(clean);
    this.order.onAdded(items.map((item) => item.id));
    this.queueEdited();
    this.publish();
    return items;
  }

  /**
   * Inserts tracks so the first lands at `index` (clamped to the queue), e.g. scan results
   * arriving in order or a drop at a position. With shuffle on they join the unplayed part of
   * the cycle at random, like `add`.
   */
  insertAt(index: number, tracks: readonly Track[]): QueueItem[] {
    const clean = this.sanitize(tracks);
    if (clean.length === 0 || !Number.isFinite(index)) {
      return [];
    }
    const items = this.queue.insertAt(index, clean);
    this.order.onAdded(items.map((item) => item.id));
    this.queueEdited();
    this.publish();
    return items;
  }

  /** Inserts right after the current track ("Play Next"), shuffle or not. */
  insertNext(tracks: readonly Track[]): QueueItem[] {
    const clean = this.sanitize(tracks);
    if (clean.length === 0) {
      return [];
    }
    const items = this.queue.insertNext(clean);
    this.order.onInsertedNext(items.map((item) => item.id));
    this.queueEdited();
    this.publish();
    return items;
  }

  /**
   * Removes the items at `indices`. Removing the current track moves playback on to what
   * would have followed it (same play/pause state), or stops when nothing follows.
   */
  remove(indices: readonly number[]): CommandResult {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    const ids = new Set(indices.filter((i) => this.queue.isValidIndex(i)).map((i) => this.queue.get(i)!.id));
    if (ids.size === 0) {
      return rejected('out-of-range', 'No such queue items.');
    }
    const currentId = this.queue.currentItem?.id;
    const successor = currentId !== undefined && ids.has(currentId) ? this.order.following('skip', ids) : undefined;
    const { removedCurrent } = this.queue.remove(indices);
    this.order.onRemoved(ids);
    this.queueEdited();
    if (!removedCurrent) {
      this.publish();
    } else if (this.state === 'stopped') {
      if (successor !== undefined) {
        this.order.moveTo(successor, 'forward');
      }
      this.publish();
    } else if (successor !== undefined) {
      // startItem publishes: no snapshot shows "playing" without a track in between.
      void this.startItem(successor, {
        autoplay: this.wantsPlayback,
        startMs: 0,
        cause: 'current-removed',
        direction: 'forward',
      });
    } else {
      this.stopPlayback('current-removed');
      this.publish();
    }
    return accepted;
  }

  /** Moves one item to index `to` (the current track stays current wherever it goes). */
  move(from: number, to: number): CommandResult {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    if (!this.queue.move(from, to)) {
      return rejected('out-of-range', `Cannot move ${from} to ${to}.`);
    }
    this.queueEdited();
    this.publish();
    return accepted;
  }

  /** Empties the queue and stops. */
  clear(): CommandResult {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    const wasEmpty = this.queue.length === 0;
    this.queue.clear();
    this.order.onCleared();
    if (this.state !== 'stopped') {
      this.stopPlayback('queue-cleared');
    }
    this.error = undefined;
    if (!wasEmpty) {
      this.queueEdited();
    }
    this.publish();
    return accepted;
  }

  /** Replaces the queue with `tracks` and plays from `startIndex` (e.g. "Play Folder"). */
  async replaceAndPlay(tracks: readonly Track[], startIndex = 0): Promise<CommandResult> {
    this.clear();
    this.add(tracks);
    return this.playAt(startIndex);
  }

  // ---- History and favorites -----------------------------------------------------------

  clearHistory(): void {
    this.playHistory.clear();
    this.onDidChangeHistoryEmitter.fire();
    this.markDirty('history', this.saveDelayMs);
  }

  setFavorite(track: Track, favorite: boolean): void {
    if (this.favoriteTracks.set(track, favorite)) {
      this.onDidChangeFavoritesEmitter.fire();
      this.markDirty('favorites', this.saveDelayMs);
    }
  }

  /** Toggles `track` (default: the current track); returns the new state. */
  toggleFavorite(track: Track | undefined = this.queue.currentItem?.track): boolean | undefined {
    if (!track) {
      return undefined;
    }
    const favorite = !this.favoriteTracks.has(track.uri);
    this.setFavorite(track, favorite);
    return favorite;
  }

  // ---- Lifetime ------------------------------------------------------------------------

  /** Resolves once every engine call issued so far (and any they caused) has finished. */
  async whenEngineIdle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.engineCalls) {
      seen = this.engineCalls;
      await seen;
    }
  }

  /** Writes everything not yet saved; await it before a process exits. */
  async flush(): Promise<void> {
    this.markDirty('position', 0);
    await this.saver.flush();
  }

  /** Saves what is pending, then releases every listener and timer. Does not stop the engine. */
  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.markDirty('position', 0);
    void this.saver.flush();
    super.dispose();
  }

  // ---- Engine events -------------------------------------------------------------------

  private onEngineState(engineState: EngineState): void {
    // The player's own state is the truth; the engine only tells us about starving.
    if (engineState === 'starved' && this.state === 'playing' && this.refs.current) {
      this.bufferingProgress = 0;
      this.machine.transition('buffering', 'engine-starved');
      this.publish();
    } else if (engineState === 'playing' && this.state === 'buffering') {
      this.machine.transition('playing', 'engine-recovered');
      this.publish();
    }
  }

  private onEngineStreamTitle(trackId: string, title: string): void {
    if (this.refs.isCurrent(trackId)) {
      if (title === this.streamTitle) return;
      this.streamTitle = title;
      this.publish();
    } else if (this.refs.isPreload(trackId)) {
      this.preloadTitle = { refId: trackId, title };
    }
  }

  private onEngineBuffering(trackId: string, progress: number): void {
    if (!this.refs.isCurrent(trackId) || this.state !== 'buffering' || progress === this.bufferingProgress) {
      return;
    }
    this.bufferingProgress = Math.min(1, Math.max(0, progress));
    this.publish();
  }

  private onEnginePosition(report: PositionReport): void {
    if (!this.refs.isCurrent(report.trackId) || this.state === 'stopped') {
      return;
    }
    this.positionMs = report.positionMs;
    this.positionAt = report.at;
    this.publish();
    this.markDirty('position', this.positionSaveIntervalMs);
  }

  private onEngineTrackStarted(loaded: LoadedTrack): void {
    if (this.refs.isCurrent(loaded.track.id)) {
      return; // an engine that also announces plain loads: nothing new
    }
    const itemId = this.refs.adoptStart(loaded.track);
    if (itemId === undefined) {
      // A preload from before a load we have since asked for: that load will replace it.
      this.log(`Ignoring stale track start ${loaded.track.id}`);
      return;
    }
    if (this.previousTrackEndedAtOnce()) {
      return;
    }
    this.trackStartedAt = this.now();
    if (!this.queue.has(itemId)) {
      // Removed from the queue after it was preloaded: move on from the track before it.
      this.advance('auto', 'preloaded-item-removed');
      return;
    }
    this.order.moveTo(itemId, 'forward');
    this.positionMs = 0;
    this.positionAt = this.now();
    this.streamTitle = this.preloadTitle?.refId === loaded.track.id ? this.preloadTitle.title : undefined;
    this.preloadTitle = undefined;
    this.durationMs = loaded.durationMs ?? this.queue.currentItem!.track.durationMs;
    this.recordHistory(this.queue.currentItem!.track);
    this.publish();
    this.markDirty('session', this.saveDelayMs);
    this.markDirty('position', this.saveDelayMs);
    this.syncPreloadSoon();
  }

  private onEngineTrackEnded(trackId: string): void {
    if (!this.refs.isCurrent(trackId)) {
      return;
    }
    if (this.previousTrackEndedAtOnce()) {
      return;
    }
    this.advance('auto', 'track-ended');
  }

  /**
   * Book-keeping when a track played to its end; true (and stopped) when tracks keep ending
   * the moment they start, which repeat would otherwise turn into an endless busy loop.
   */
  private previousTrackEndedAtOnce(): boolean {
    this.consecutiveFailures = 0;
    const instant = this.now() - this.trackStartedAt < instantEndMs;
    this.consecutiveInstantEnds = instant ? this.consecutiveInstantEnds + 1 : 0;
    if (this.consecutiveInstantEnds <= this.queue.length) {
      return false;
    }
    this.consecutiveInstantEnds = 0;
    this.stopPlayback('all-failed');
    this.setError('queue', 'Stopped: the tracks in the queue end as soon as they start (empty files?)', undefined);
    this.publish();
    return true;
  }

  private onEngineError(error: EngineError): void {
    const current = this.refs.current;
    const aboutCurrent = error.trackId === undefined || this.refs.isCurrent(error.trackId);
    if (error.fatalForTrack && aboutCurrent && current) {
      this.trackFailed(current, error.kind, error.message);
      return;
    }
    if (this.refs.isPreload(error.trackId)) {
      // It will fail again when its turn comes, and be skipped then with a visible error.
      this.log(`Preloading ${this.refs.preloaded!.ref.uri} failed: ${error.message}`);
      return;
    }
    if (!aboutCurrent) {
      return;
    }
    this.log(`Engine ${error.kind} error: ${error.message}`);
    this.setError(error.kind, error.message, this.queue.currentItem?.track.uri);
    this.publish();
  }

  // ---- Internals -----------------------------------------------------------------------

  /**
   * Tracks arrive from the library, playlists and the REST API. Keep only the known fields, as
   * fresh frozen objects: the queue and snapshots stay serializable and nobody can change a
   * queued track behind the player's back.
   */
  private sanitize(tracks: readonly Track[]): Track[] {
    if (this.isDisposed) {
      return [];
    }
    const clean: Track[] = [];
    for (const track of tracks) {
      const parsed = parseTrack(track);
      if (parsed) {
        clean.push(Object.freeze(parsed));
      }
    }
    if (clean.length !== tracks.length) {
      this.log(`Ignoring ${tracks.length - clean.length} malformed track(s) added to the queue`);
    }
    return clean;
  }

  private get wantsPlayback(): boolean {
    return this.state === 'playing' || this.state === 'buffering';
  }

  private get effectiveVolume(): number {
    return this.muted ? 0 : this.volume;
  }

  private checkTransport(command: Parameters<StateMachine['check']>[0]): CommandResult {
    if (this.isDisposed) {
      return rejected('disposed', 'The player is disposed.');
    }
    return this.machine.check(command);
  }

  /** A person asked to play something: forget old errors and failure counts. */
  private userStartedPlayback(): void {
    this.error = undefined;
    this.consecutiveFailures = 0;
    this.consecutiveInstantEnds = 0;
  }

  /** Where Play starts when nothing is current: the top of the queue, or a new shuffle cycle. */
  private firstToPlay(): string | undefined {
    if (this.order.shuffle) {
      this.order.reshuffle();
    }
    return this.order.following('skip');
  }

  /** Next/Previous keep the transport state: playing plays, paused cues paused, stopped moves the cursor. */
  private async goTo(id: string, cause: TransitionCause, direction: MoveDirection): Promise<void> {
    if (this.state === 'stopped') {
      this.order.moveTo(id, direction);
      this.positionMs = 0;
      this.durationMs = this.queue.currentItem?.track.durationMs;
      this.publish();
      this.markDirty('session', this.saveDelayMs);
      return;
    }
    await this.startItem(id, { autoplay: this.wantsPlayback, startMs: 0, cause, direction });
  }

  private async restartCurrent(): Promise<CommandResult> {
    if (this.durationMs === undefined) {
      // A stream cannot seek; reloading it is the restart.
      const item = this.queue.currentItem!;
      await this.startItem(item.id, { autoplay: this.wantsPlayback, startMs: 0, cause: 'restart', direction: 'jump' });
      return accepted;
    }
    return this.seek(0);
  }

  /** Moves on after the current track ended or failed. */
  private advance(kind: AdvanceKind, cause: TransitionCause): void {
    if (kind === 'auto' && this.stopAfterCurrent) {
      this.stopAfterCurrent = false;
      const next = this.order.following('skip');
      this.stopPlayback('stop-after-current');
      // Play continues with what would have come next.
      if (next !== undefined) {
        this.order.moveTo(next, 'forward');
        this.durationMs = this.queue.currentItem?.track.durationMs;
      }
      this.publish();
      return;
    }
    const next = this.order.following(kind);
    if (next === undefined) {
      this.stopPlayback('end-of-queue');
      this.queue.setCurrent(-1);
      this.durationMs = undefined;
      this.publish();
      this.markDirty('session', this.saveDelayMs);
      return;
    }
    void this.startItem(next, { autoplay: this.wantsPlayback, startMs: 0, cause, direction: 'forward' });
  }

  private trackFailed(ref: TrackRef, kind: string, message: string): void {
    if (ref !== this.refs.current) {
      return;
    }
    const item = this.queue.currentItem;
    const title = item ? displayTitle(item.track) : ref.uri;
    this.log(`Skipping ${ref.uri}: ${message}`);
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.queue.length) {
      this.stopPlayback('all-failed');
      this.setError(
        'queue',
        this.queue.length === 1
          ? `Could not play ${title}: ${message}`
          : `None of the ${this.queue.length} tracks in the queue could be played (last: ${title}: ${message})`,
        ref.uri,
      );
      this.publish();
      return;
    }
    this.setError(kind, `Skipped ${title}: ${message}`, ref.uri);
    this.advance('skip', 'track-failed');
  }

  /**
   * Makes `id` current and loads it. The state changes now; the engine call follows on the
   * chain. Resolves when the engine has the track (or it failed and was skipped).
   */
  private startItem(
    id: string,
    options: { autoplay: boolean; startMs: number; cause: TransitionCause; direction: MoveDirection },
  ): Promise<void> {
    if (!this.order.moveTo(id, options.direction)) {
      return Promise.resolve();
    }
    const item = this.queue.currentItem!;
    const ref = this.refs.load(item);
    this.streamTitle = undefined;
    this.preloadTitle = undefined;
    this.positionMs = options.startMs;
    this.positionAt = this.now();
    this.durationMs = item.track.durationMs;
    this.machine.transition(options.autoplay ? 'playing' : 'paused', options.cause);
    this.publish();
    this.markDirty('session', this.saveDelayMs);
    this.markDirty('position', this.saveDelayMs);

    return this.callEngine(async () => {
      if (ref !== this.refs.current) {
        return; // superseded before its turn came
      }
      let loaded: LoadedTrack;
      try {
        loaded = await this.engine.load(ref, { startMs: options.startMs, autoplay: options.autoplay });
      } catch (error) {
        this.trackFailed(ref, 'load', error instanceof Error ? error.message : String(error));
        return;
      }
      if (!this.refs.confirm(ref)) {
        return;
      }
      this.trackStartedAt = this.now();
      this.durationMs = loaded.durationMs ?? item.track.durationMs;
      // History counts starts from the top; resuming a restored track mid-way is not a new play.
      if (options.autoplay && options.startMs === 0) {
        this.recordHistory(item.track);
      }
      this.publish();
      // Always tell the engine after a load, so no preload from before it can survive.
      await this.syncPreload(true);
    });
  }

  /** Stops the engine and forgets what it had; the caller publishes. */
  private stopPlayback(cause: TransitionCause): void {
    this.machine.transition('stopped', cause);
    const hadTrack = this.refs.current !== undefined;
    this.refs.clear();
    this.streamTitle = undefined;
    this.preloadTitle = undefined;
    this.positionMs = 0;
    this.positionAt = this.now();
    this.markDirty('session', 0);
    this.markDirty('position', 0);
    if (hadTrack) {
      void this.callEngine(() => this.engine.stop());
    }
  }

  private syncPreloadSoon(): void {
    void this.callEngine(() => this.syncPreload(false));
  }

  /** Tells the engine what follows the current track, when that changed (or when `force`). */
  private async syncPreload(force: boolean): Promise<void> {
    let desired: string | undefined;
    // Preloading only means something once the engine has the track it should follow.
    if (this.refs.hasCurrent && this.state !== 'stopped' && !this.stopAfterCurrent) {
      desired = this.order.following('auto');
    }
    if (!force && desired === this.refs.preloaded?.itemId) {
      return;
    }
    const item = desired === undefined ? undefined : this.queue.get(this.queue.indexOf(desired));
    const ref = this.refs.setPreload(item);
    if (!ref) {
      await this.engine.preloadNext(undefined);
      return;
    }
    try {
      await this.engine.preloadNext(ref);
    } catch (error) {
      // Not the current track's problem: it fails again when its turn comes, and is skipped
      // then with an error in the snapshot. Kept as `preloaded` so we do not retry in a loop.
      this.log(`Preloading ${ref.uri} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Runs an engine call after the ones before it; failures are logged, never thrown. */
  private callEngine(call: () => Promise<void>): Promise<void> {
    const run = this.engineCalls.then(async () => {
      if (this.isDisposed) {
        return;
      }
      try {
        await call();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.log(`Engine call failed: ${message}`);
        this.setError('output', message, this.queue.currentItem?.track.uri);
        this.publish();
      }
    });
    this.engineCalls = run;
    return run;
  }

  private setError(kind: string, message: string, trackUri: string | undefined): void {
    this.error = Object.freeze({ kind, message, trackUri, at: this.now() });
  }

  private recordHistory(track: Track): void {
    this.playHistory.record(track, this.now());
    this.onDidChangeHistoryEmitter.fire();
    this.markDirty('history', this.saveDelayMs);
  }

  private estimatedPositionMs(): number {
    if (this.state !== 'playing') {
      return this.positionMs;
    }
    const elapsed = Math.max(0, this.now() - this.positionAt);
    const estimate = this.positionMs + elapsed;
    return this.durationMs === undefined ? estimate : Math.min(this.durationMs, estimate);
  }

  /** After an edit of the queue's items; the caller publishes (which announces the edit). */
  private queueEdited(): void {
    this.markDirty('session', this.saveDelayMs);
    this.syncPreloadSoon();
  }

  private settingsChanged(): void {
    this.publish();
    this.markDirty('session', this.saveDelayMs);
  }

  private publish(): void {
    if (this.isDisposed) {
      return;
    }
    this.current = this.buildSnapshot();
    this.onDidChangeSnapshotEmitter.fire(this.current);
    // After the snapshot, so a queue listener reading `snapshot` sees the same queue version.
    if (this.current.queueVersion !== this.announcedQueueVersion) {
      this.announcedQueueVersion = this.current.queueVersion;
      this.onDidChangeQueueEmitter.fire({ version: this.current.queueVersion, length: this.current.queueLength });
    }
  }

  private buildSnapshot(): PlayerSnapshot {
    const item = this.queue.currentItem;
    return Object.freeze({
      version: ++this.version,
      state: this.machine.state,
      track: item?.track,
      queueIndex: this.queue.currentIndex,
      queueLength: this.queue.length,
      queueVersion: this.queue.version,
      positionMs: this.positionMs,
      positionAt: this.positionAt,
      durationMs: this.durationMs,
      volume: this.volume,
      muted: this.muted,
      shuffle: this.order.shuffle,
      repeat: this.order.repeat,
      stopAfterCurrent: this.stopAfterCurrent,
      error: this.error,
      streamTitle: this.streamTitle,
      bufferingProgress: this.machine.state === 'buffering' ? this.bufferingProgress : undefined,
    });
  }

  // ---- Persistence ---------------------------------------------------------------------

  private markDirty(key: StoreKey, maxDelayMs: number): void {
    this.saver.markDirty(key, maxDelayMs);
  }

  private async write(keys: ReadonlySet<StoreKey>): Promise<void> {
    const writes: PromiseLike<void>[] = [];
    try {
      if (keys.has('session')) {
        writes.push(
          this.store.update(
            storageKeys.session,
            serializeSession({
              queue: this.queue.toArray(),
              currentIndex: this.queue.currentIndex,
              volume: this.volume,
              muted: this.muted,
              shuffle: this.order.shuffle,
              repeat: this.order.repeat,
              ...(this.order.shuffle
                ? {
                    shuffleCycle: this.order.shuffleOrder.cycle,
                    shufflePosition: this.order.shuffleOrder.cyclePosition,
                  }
                : {}),
            }),
          ),
        );
      }
      if (keys.has('position')) {
        const item = this.queue.currentItem;
        const positionMs = this.state === 'stopped' ? 0 : this.estimatedPositionMs();
        writes.push(this.store.update(storageKeys.position, serializePosition(item?.id, positionMs)));
      }
      if (keys.has('history')) {
        writes.push(this.store.update(storageKeys.history, this.playHistory.entries));
      }
      if (keys.has('favorites')) {
        writes.push(this.store.update(storageKeys.favorites, this.favoriteTracks.list()));
      }
      await Promise.all(writes);
    } catch (error) {
      this.log(`Could not save player state: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Loads the saved session; a track that was current comes back paused where it was. */
  private restore(): void {
    this.playHistory.restore(loadHistory(this.store, this.log));
    this.favoriteTracks.restore(loadFavorites(this.store, this.log));
    const session = loadSession(this.store, this.log);
    if (!session) {
      return;
    }
    this.queue.restore(session.queue, session.currentIndex);
    this.volume = session.volume;
    this.muted = session.muted;
    this.order.repeat = session.repeat;
    if (session.shuffle) {
      this.order.setShuffle(true);
      if (session.shuffleCycle && session.shufflePosition !== undefined) {
        const fits = this.order.shuffleOrder.restore(session.shuffleCycle, session.shufflePosition, this.queue.ids());
        const aligned = this.order.shuffleOrder.currentId === this.queue.currentItem?.id;
        if (!fits || !aligned) {
          this.log('Ignoring stored shuffle order: it does not match the queue');
          this.order.reshuffle();
        }
      }
    }
    const item = this.queue.currentItem;
    if (item) {
      const saved = loadPosition(this.store, this.log);
      const positionMs = saved?.itemId === item.id ? saved.positionMs : 0;
      const durationMs = item.track.durationMs;
      this.positionMs = durationMs === undefined ? positionMs : Math.min(positionMs, durationMs);
      this.durationMs = durationMs;
      this.machine.transition('paused', 'restore');
    }
  }
}
