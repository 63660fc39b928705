import { QueueItem, Track } from './track';

/**
 * The ordered list of what is to be played and which item is current. Pure data, no engine
 * and no events: the player wraps each edit and announces it. The invariant every edit keeps:
 * `currentIndex` is -1 or the index of the same item it pointed at before the edit (unless
 * that item was removed, which is reported to the caller).
 */
export class Queue {
  private items: QueueItem[] = [];
  private current = -1;
  private serial = 0;
  private editVersion = 0;

  get length(): number {
    return this.items.length;
  }

  /** -1 when nothing is current. */
  get currentIndex(): number {
    return this.current;
  }

  get currentItem(): QueueItem | undefined {
    return this.current >= 0 ? this.items[this.current] : undefined;
  }

  /** Increases on every change of the item list (not of the current index). */
  get version(): number {
    return this.editVersion;
  }

  get(index: number): QueueItem | undefined {
    return this.items[index];
  }

  indexOf(id: string): number {
    // Fast path: the current item is what the player asks about most.
    if (this.current >= 0 && this.items[this.current]!.id === id) {
      return this.current;
    }
    return this.items.findIndex((item) => item.id === id);
  }

  has(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  /** A copy, so callers cannot edit the queue behind the player's back. */
  toArray(): QueueItem[] {
    return [...this.items];
  }

  ids(): string[] {
    return this.items.map((item) => item.id);
  }

  isValidIndex(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.items.length;
  }

  /** Appends; returns the new items. */
  add(tracks: readonly Track[]): QueueItem[] {
    return this.insertAt(this.items.length, tracks);
  }

  /** Inserts right after the current item (at the front when nothing is current). */
  insertNext(tracks: readonly Track[]): QueueItem[] {
    return this.insertAt(this.current + 1, tracks);
  }

  insertAt(index: number, tracks: readonly Track[]): QueueItem[] {
    const at = Math.max(0, Math.min(this.items.length, Math.trunc(index)));
    const created = tracks.map((track) => this.createItem(track));
    if (created.length === 0) {
      return created;
    }
    this.items.splice(at, 0, ...created);
    if (this.current >= at) {
      this.current += created.length;
    }
    this.editVersion++;
    return created;
  }

  /**
   * Removes the items at `indices` (invalid and duplicate indices are ignored). Returns the
   * removed items and whether the current one was among them; then nothing is current.
   */
  remove(indices: readonly number[]): { removed: QueueItem[]; removedCurrent: boolean } {
    const valid = [...new Set(indices)].filter((i) => this.isValidIndex(i)).sort((a, b) => b - a);
    if (valid.length === 0) {
      return { removed: [], removedCurrent: false };
    }
    let removedCurrent = false;
    const removed: QueueItem[] = [];
    for (const index of valid) {
      removed.push(this.items[index]!);
      this.items.splice(index, 1);
      if (index === this.current) {
        removedCurrent = true;
        this.current = -1;
      } else if (index < this.current) {
        this.current--;
      }
    }
    this.editVersion++;
    return { removed: removed.reverse(), removedCurrent };
  }

  /** Moves one item so that it ends up at index `to`. Returns false for bad indices. */
  move(from: number, to: number): boolean {
    if (!this.isValidIndex(from) || !this.isValidIndex(to)) {
      return false;
    }
    if (from === to) {
      return true;
    }
    const [item] = this.items.splice(from, 1);
    this.items.splice(to, 0, item!);
    if (this.current === from) {
      this.current = to;
    } else if (from < this.current && to >= this.current) {
      this.current--;
    } else if (from > this.current && to <= this.current && this.current >= 0) {
      this.current++;
    }
    this.editVersion++;
    return true;
  }

  clear(): void {
    if (this.items.length === 0 && this.current === -1) {
      return;
    }
    this.items = [];
    this.current = -1;
    this.editVersion++;
  }

  /** Makes `index` current (-1 for none). Returns false for a bad index. */
  setCurrent(index: number): boolean {
    if (index !== -1 && !this.isValidIndex(index)) {
      return false;
    }
    this.current = index;
    return true;
  }

  /** Replaces everything with restored items (ids kept, so a saved shuffle order still fits). */
  restore(items: readonly QueueItem[], currentIndex: number): void {
    this.items = [...items];
    this.current = this.isValidIndex(currentIndex) ? currentIndex : -1;
    for (const item of items) {
      const serial = /^q(\d+)$/.exec(item.id);
      if (serial) {
        this.serial = Math.max(this.serial, Number(serial[1]));
      }
    }
    this.editVersion++;
  }

  private createItem(track: Track): QueueItem {
    return Object.freeze({ id: `q${++this.serial}`, track });
  }
}
