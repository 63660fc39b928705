import { Disposable } from '../base/lifecycle';
import { Emitter } from '../base/event';
import type { Player, PlayerSnapshot, QueueItem as PlayerQueueItem } from '../player';
import { displayTitle } from '../player';
import type { PlayerCommand, QueueItem, ViewState } from '../protocol/messages';
import type { PlayerViewModel } from './panel/view-model';

export interface CoverProvider {
  /** A webview-safe URI for the track's cover art, or undefined when it has none (yet). */
  coverUri(trackUri: string): string | undefined;
}

type Position = { readonly positionMs: number; readonly positionAt: number; readonly playing: boolean };
type Queue = { readonly version: number; readonly items: readonly QueueItem[] };

/** The fields whose change is "just the position": sent as light `position` messages. */
function onlyPositionChanged(a: PlayerSnapshot, b: PlayerSnapshot): boolean {
  for (const key of Object.keys(b) as (keyof PlayerSnapshot)[]) {
    if (key === 'version' || key === 'positionMs' || key === 'positionAt') continue;
    if (a[key] !== b[key]) return false;
  }
  return true;
}

function toQueueItem(item: PlayerQueueItem): QueueItem {
  const { track } = item;
  return { id: item.id, title: displayTitle(track), artist: track.artist, album: track.album, durationMs: track.durationMs };
}

/**
 * Adapts the player core to what views render (the protocol's ViewState and QueueItem) and
 * turns view commands into player commands. Rejected commands become errors whose message
 * the view shows; the player itself never throws for a rejected command.
 */
export class PlayerViewModelImpl extends Disposable implements PlayerViewModel {
  private readonly stateEmitter = this._register(new Emitter<ViewState>());
  private readonly queueEmitter = this._register(new Emitter<Queue>());
  private readonly positionEmitter = this._register(new Emitter<Position>());
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeQueue = this.queueEmitter.event;
  readonly onPosition = this.positionEmitter.event;

  private last: PlayerSnapshot;
  private queueCache: Queue | undefined;

  constructor(
    private readonly player: Player,
    private readonly covers: CoverProvider,
    private readonly onPlayFolder: () => Promise<void>,
  ) {
    super();
    this.last = player.snapshot;
    this._register(
      player.onDidChangeSnapshot((snapshot) => {
        const previous = this.last;
        this.last = snapshot;
        if (onlyPositionChanged(previous, snapshot)) {
          this.positionEmitter.fire({ positionMs: snapshot.positionMs, positionAt: snapshot.positionAt, playing: snapshot.state === 'playing' });
        } else {
          this.stateEmitter.fire(this.getState());
        }
      }),
    );
    this._register(
      player.onDidChangeQueue(() => {
        this.queueCache = undefined;
        this.queueEmitter.fire(this.getQueue());
      }),
    );
    this._register(player.onDidChangeFavorites(() => this.stateEmitter.fire(this.getState())));
  }

  /** Cover art became available for a track: re-render if it is the current one. */
  refreshCover(trackUri: string): void {
    if (this.last.track?.uri === trackUri) this.stateEmitter.fire(this.getState());
  }

  getState(): ViewState {
    const s = this.player.snapshot;
    const track = s.track;
    return {
      version: s.version,
      state: s.state,
      track: track && {
        id: track.uri,
        title: displayTitle(track),
        artist: track.artist,
        album: track.album,
        durationMs: s.durationMs ?? track.durationMs,
        coverUri: track.hasCover ? this.covers.coverUri(track.uri) : undefined,
        favorite: this.player.isFavorite(track.uri),
      },
      currentIndex: s.queueIndex,
      positionMs: s.positionMs,
      positionAt: s.positionAt,
      durationMs: s.durationMs ?? track?.durationMs,
      volume: s.volume,
      muted: s.muted,
      shuffle: s.shuffle,
      repeat: s.repeat,
      error: s.error?.message,
      queueVersion: s.queueVersion,
      streamTitle: s.streamTitle,
      bufferingProgress: s.bufferingProgress,
    };
  }

  getQueue(): Queue {
    this.queueCache ??= { version: this.player.snapshot.queueVersion, items: this.player.getQueue().map(toQueueItem) };
    return this.queueCache;
  }

  async execute(command: PlayerCommand): Promise<void> {
    const p = this.player;
    const result = await (() => {
      switch (command.command) {
        case 'toggle': return p.toggle();
        case 'play': return p.play();
        case 'pause': return p.pause();
        case 'stop': return p.stop();
        case 'next': return p.next();
        case 'previous': return p.previous();
        case 'seek': return p.seek(command.positionMs);
        case 'setVolume': return p.setVolume(command.volume);
        case 'toggleMute': return p.toggleMute();
        case 'toggleShuffle': return p.setShuffle(!p.snapshot.shuffle);
        case 'cycleRepeat': return p.cycleRepeat();
        case 'toggleFavorite': return p.toggleFavorite() === undefined ? { ok: false as const, message: 'Nothing is playing.' } : { ok: true as const };
        case 'playIndex': return p.playAt(command.index);
        case 'removeIndex': return p.remove([command.index]);
        case 'move': return p.move(command.from, command.to);
        case 'playFolder': return this.onPlayFolder().then(() => ({ ok: true as const }));
      }
    })();
    if (!result.ok) {
      throw new Error(result.message);
    }
  }
}
