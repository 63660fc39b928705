import { disposableInterval, DisposableStore, IDisposable, toDisposable } from '../base/lifecycle';
import { displayTitle, type Player, type PlayerSnapshot } from '../player';
import { bufferingLabel } from '../protocol/messages';
import { formatClock } from './time-format';

/** "Title — Artist" (or the file name when untagged); a stream: "Its ICY title — Station". */
export function describeTrack(snapshot: PlayerSnapshot): string {
  const track = snapshot.track;
  if (!track) return '';
  if (snapshot.streamTitle !== undefined) return `${snapshot.streamTitle} — ${displayTitle(track)}`;
  return track.artist ? `${displayTitle(track)} — ${track.artist}` : displayTitle(track);
}

/** Where playback is now: the snapshot's position moved on by the time since it was measured. */
export function positionNow(snapshot: PlayerSnapshot, now = Date.now()): number {
  const moving = snapshot.state === 'playing' ? Math.max(0, now - snapshot.positionAt) : 0;
  const position = snapshot.positionMs + moving;
  return snapshot.durationMs === undefined ? position : Math.min(position, snapshot.durationMs);
}

/** The live line: "Title — Artist  1:23 / 3:45  playing" (or "Buffering… 40 %"). */
export function progressLine(snapshot: PlayerSnapshot, now = Date.now()): string {
  const state = snapshot.state === 'buffering' ? bufferingLabel(snapshot.bufferingProgress) : snapshot.state;
  return `${describeTrack(snapshot)}  ${formatClock(positionNow(snapshot, now))} / ${formatClock(snapshot.durationMs)}  ${state}`;
}

export interface NowPlayingOutput {
  readonly write: (text: string) => void;
  /** Messages for people (skipped tracks). */
  readonly warn: (text: string) => void;
  /** A terminal: one line redrawn in place. Otherwise a plain line per change, for logs and pipes. */
  readonly live: boolean;
  /** Terminal width, for cutting the live line (it must never wrap, or \r cannot redraw it). */
  readonly columns?: () => number | undefined;
}

/**
 * Shows what plays. On a terminal a single line redrawn four times a second; elsewhere one
 * line when a track starts, pauses or resumes. Errors the player reports (skipped tracks) go
 * to `warn` either way.
 */
export class NowPlayingView implements IDisposable {
  private readonly store = new DisposableStore();
  private lastTrackKey: string | undefined;
  private lastState: string | undefined;
  private lastStreamTitle: string | undefined;
  private lastErrorAt: number | undefined;
  private lineShown = false;
  /** What the live line shows now: redrawing the same text is skipped. */
  private shownText = '';

  constructor(
    private readonly player: Player,
    private readonly out: NowPlayingOutput,
  ) {
    this.store.add(player.onDidChangeSnapshot((snapshot) => this.onSnapshot(snapshot)));
    if (out.live) {
      this.store.add(disposableInterval(() => this.redraw(), 250));
      this.store.add(toDisposable(() => this.clearLine()));
    }
    this.onSnapshot(player.snapshot);
  }

  /** Before writing anything else to the terminal: remove the live line (it comes back). */
  clearLine(): void {
    if (this.out.live && this.lineShown) {
      this.out.write('\r\x1b[2K');
      this.lineShown = false;
      this.shownText = '';
    }
  }

  private onSnapshot(snapshot: PlayerSnapshot): void {
    const error = snapshot.error;
    if (error && error.at !== this.lastErrorAt) {
      this.lastErrorAt = error.at;
      this.clearLine();
      this.out.warn(error.message);
    }
    if (this.out.live) {
      this.redraw();
      return;
    }
    const trackKey = snapshot.track ? `${snapshot.queueIndex}:${snapshot.track.uri}` : undefined;
    const trackChanged = trackKey !== this.lastTrackKey;
    const previousState = this.lastState;
    const stateChanged = snapshot.state !== previousState;
    const titleChanged = snapshot.streamTitle !== this.lastStreamTitle;
    this.lastTrackKey = trackKey;
    this.lastState = snapshot.state;
    this.lastStreamTitle = snapshot.streamTitle;
    if (!snapshot.track || snapshot.state === 'stopped') return;
    if (titleChanged && !trackChanged && snapshot.streamTitle !== undefined) {
      // A stream announced what is on now (ICY).
      this.out.write(`Now playing: ${snapshot.streamTitle}\n`);
    } else if (trackChanged && snapshot.state === 'playing') {
      this.out.write(`Playing ${snapshot.queueIndex + 1}/${snapshot.queueLength}: ${describeTrack(snapshot)} (${formatClock(snapshot.durationMs)})\n`);
    } else if (stateChanged && snapshot.state === 'paused') {
      this.out.write(`Paused at ${formatClock(positionNow(snapshot))}\n`);
    } else if (stateChanged && snapshot.state === 'playing' && previousState === 'paused') {
      this.out.write(`Playing from ${formatClock(positionNow(snapshot))}\n`);
    }
  }

  private redraw(): void {
    const snapshot = this.player.snapshot;
    if (!snapshot.track || snapshot.state === 'stopped') {
      this.clearLine();
      return;
    }
    let line = progressLine(snapshot);
    const columns = this.out.columns?.();
    if (columns !== undefined && columns > 1 && line.length >= columns) line = `${line.slice(0, columns - 2)}…`;
    if (this.lineShown && line === this.shownText) return;
    this.out.write(`\r\x1b[2K${line}`);
    this.lineShown = true;
    this.shownText = line;
  }

  dispose(): void {
    this.store.dispose();
  }
}
