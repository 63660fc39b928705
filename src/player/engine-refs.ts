import type { TrackRef } from '../engine/api';
import type { QueueItem, Track } from './track';

export interface Preload {
  readonly ref: TrackRef;
  readonly itemId: string;
}

/**
 * Bookkeeping of the TrackRefs the player has handed to the engine, so that engine events can
 * be told apart: about the current track, about the preload, or stale (about a track the
 * player has since moved away from, which must be ignored rather than acted on).
 *
 * Every load and preload gets a fresh ref id, `<queue item id>@<serial>`, even for the same
 * item (repeat one preloads the current item; a restart reloads it).
 */
export class EngineRefs {
  private serial = 0;
  private currentRef: TrackRef | undefined;
  private confirmed = false;
  private preload: Preload | undefined;
  /** Preloads replaced while the current track played: the engine may already have moved to one. */
  private readonly superseded = new Set<string>();

  /** `gainOf`: the factor a track plays at (ReplayGain), read as each ref is made. */
  constructor(private readonly gainOf: (track: Track) => number = () => 1) {}

  /** The ref the engine has, or is loading, for the current item. */
  get current(): TrackRef | undefined {
    return this.currentRef;
  }

  /** The engine has confirmed the current ref: its load resolved, or it started it gaplessly. */
  get hasCurrent(): boolean {
    return this.currentRef !== undefined && this.confirmed;
  }

  get preloaded(): Preload | undefined {
    return this.preload;
  }

  isCurrent(refId: string | undefined): boolean {
    return refId !== undefined && refId === this.currentRef?.id;
  }

  isPreload(refId: string | undefined): boolean {
    return refId !== undefined && refId === this.preload?.ref.id;
  }

  /** A new load of `item`: everything issued before it is stale from now on. */
  load(item: QueueItem): TrackRef {
    const ref = this.mint(item);
    this.currentRef = ref;
    this.confirmed = false;
    this.preload = undefined;
    this.superseded.clear();
    return ref;
  }

  /** The engine's load of `ref` resolved; false when `ref` is no longer current. */
  confirm(ref: TrackRef): boolean {
    if (ref !== this.currentRef) {
      return false;
    }
    this.confirmed = true;
    return true;
  }

  /**
   * The engine moved on by itself to `track`. When it is one of our preloads (the latest, or
   * one replaced too late to stop the engine), it becomes current and its queue item id is
   * returned; otherwise the start is stale and undefined is returned.
   */
  adoptStart(track: TrackRef): string | undefined {
    if (!this.isPreload(track.id) && !this.superseded.has(track.id)) {
      return undefined;
    }
    this.currentRef = track;
    this.confirmed = true;
    this.preload = undefined;
    this.superseded.clear();
    return itemIdOf(track.id);
  }

  /** Records what to preload next (undefined cancels) and returns the ref to send. */
  setPreload(item: QueueItem | undefined): TrackRef | undefined {
    if (this.preload) {
      this.superseded.add(this.preload.ref.id);
    }
    if (!item) {
      this.preload = undefined;
      return undefined;
    }
    const ref = this.mint(item);
    this.preload = { ref, itemId: item.id };
    return ref;
  }

  /** Playback stopped: the engine has nothing of ours any more. */
  clear(): void {
    this.currentRef = undefined;
    this.confirmed = false;
    this.preload = undefined;
    this.superseded.clear();
  }

  private mint(item: QueueItem): TrackRef {
    const gain = this.gainOf(item.track);
    return { id: `${item.id}@${++this.serial}`, uri: item.track.uri, ...(gain !== 1 && { gain }) };
  }
}

function itemIdOf(refId: string): string {
  const at = refId.lastIndexOf('@');
  return at < 0 ? refId : refId.slice(0, at);
}
