import { Queue } from './queue';
import { MoveDirection, Random, ShuffleOrder } from './shuffle';

export type { MoveDirection } from './shuffle';

export type RepeatMode = 'off' | 'all' | 'one';

export const repeatModes: readonly RepeatMode[] = ['off', 'all', 'one'];

/**
 * Why we move on: 'auto' when a track ended by itself (repeat one replays it), 'skip' for
 * Next and for skipping a failed track (repeat one must not replay a broken file forever).
 */
export type AdvanceKind = 'auto' | 'skip';

/**
 * Answers "what plays after / before the current item" for the queue under the current
 * shuffle and repeat settings, and keeps the shuffle cycle in step with queue edits. The
 * player calls the `on*` hooks after each queue edit.
 */
export class PlayOrder {
  private shuffleOn = false;
  private repeatMode: RepeatMode = 'off';
  readonly shuffleOrder: ShuffleOrder;

  constructor(private readonly queue: Queue, random?: Random) {
    this.shuffleOrder = new ShuffleOrder(random);
  }

  get shuffle(): boolean {
    return this.shuffleOn;
  }

  get repeat(): RepeatMode {
    return this.repeatMode;
  }

  set repeat(mode: RepeatMode) {
    this.repeatMode = mode;
  }

  /** Turning shuffle on draws a cycle that starts with the current item; off drops it. */
  setShuffle(on: boolean): void {
    this.shuffleOn = on;
    if (on) {
      this.reshuffle();
    } else {
      this.shuffleOrder.clear();
    }
  }

  /** A fresh shuffle cycle (also used when starting over from the top). */
  reshuffle(): void {
    this.shuffleOrder.reset(this.queue.ids(), this.queue.currentItem?.id);
  }

  /** The id of the item that follows, or undefined at the end. `exclude` is skipped over. */
  following(kind: AdvanceKind, exclude?: ReadonlySet<string>): string | undefined {
    const current = this.queue.currentItem;
    if (kind === 'auto' && this.repeatMode === 'one' && current && !exclude?.has(current.id)) {
      return current.id;
    }
    const wrap = this.repeatMode === 'all';
    if (this.shuffleOn) {
      return this.shuffleOrder.peekNext(wrap, exclude);
    }
    const length = this.queue.length;
    const start = this.queue.currentIndex;
    for (let step = 1; step <= length; step++) {
      const index = start + step;
      if (index >= length && !wrap) {
        return undefined;
      }
      const item = this.queue.get(index % length)!;
      if (index % length === start) {
        // Came all the way round to the current item.
        return exclude?.has(item.id) ? undefined : item.id;
      }
      if (!exclude?.has(item.id)) {
        return item.id;
      }
    }
    return undefined;
  }

  /** The id of the item before the current one (wrapping with repeat all), if any. */
  preceding(): string | undefined {
    if (this.shuffleOn) {
      return this.shuffleOrder.peekPrevious();
    }
    const index = this.queue.currentIndex;
    if (index > 0) {
      return this.queue.get(index - 1)!.id;
    }
    if (index === 0 && this.repeatMode === 'all' && this.queue.length > 1) {
      return this.queue.get(this.queue.length - 1)!.id;
    }
    return undefined;
  }

  /**
   * Makes the item current, in the queue and in the shuffle cycle. `direction`: 'forward' for
   * an id from `following`, 'back' for one from `preceding`, 'jump' for anything else.
   */
  moveTo(id: string, direction: MoveDirection): boolean {
    const index = this.queue.indexOf(id);
    if (index < 0) {
      return false;
    }
    this.queue.setCurrent(index);
    if (this.shuffleOn) {
      this.shuffleOrder.moveTo(id, direction);
    }
    return true;
  }

  onAdded(ids: readonly string[]): void {
    if (this.shuffleOn) {
      this.shuffleOrder.add(ids);
    }
  }

  onInsertedNext(ids: readonly string[]): void {
    if (this.shuffleOn) {
      this.shuffleOrder.insertNext(ids);
    }
  }

  onRemoved(ids: ReadonlySet<string>): void {
    if (this.shuffleOn) {
      this.shuffleOrder.remove(ids);
    }
  }

  onCleared(): void {
    this.shuffleOrder.clear();
  }
}
