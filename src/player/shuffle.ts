/**
 * Shuffle as a play order over queue item ids, kept beside the queue (the queue itself is
 * never reordered, which is how turning shuffle off restores the original order).
 *
 * The order is one cycle: `order[0..position]` has been played, the rest has not. Advancing
 * walks the cycle, so every item plays exactly once before any repeats; when the cycle runs
 * out (repeat all), a fresh one is drawn, lazily and only once, so asking "what comes next?"
 * for preloading gives the same answer as actually advancing later.
 */
export type Random = () => number;

export type MoveDirection = 'forward' | 'back' | 'jump';

export class ShuffleOrder {
  private order: string[] = [];
  private position = -1;
  /** The next cycle, drawn when first asked for and kept until used or invalidated. */
  private upcomingCycle: string[] | undefined;

  constructor(private readonly random: Random = Math.random) {}

  /** The ids of the current cycle, played part first. */
  get cycle(): readonly string[] {
    return this.order;
  }

  /** Index in `cycle` of the current item, -1 before the first. */
  get cyclePosition(): number {
    return this.position;
  }

  get currentId(): string | undefined {
    return this.position >= 0 ? this.order[this.position] : undefined;
  }

  /** Starts a new cycle over `ids`, with `currentId` (when given) as the one playing now. */
  reset(ids: readonly string[], currentId: string | undefined): void {
    const rest = ids.filter((id) => id !== currentId);
    this.shuffleInPlace(rest);
    if (currentId !== undefined && ids.includes(currentId)) {
      this.order = [currentId, ...rest];
      this.position = 0;
    } else {
      this.order = rest;
      this.position = -1;
    }
    this.upcomingCycle = undefined;
  }

  /** Restores a saved cycle; false (and nothing changed) when it does not fit `ids`. */
  restore(cycle: readonly string[], position: number, ids: readonly string[]): boolean {
    const expected = new Set(ids);
    if (cycle.length !== expected.size || new Set(cycle).size !== cycle.length || !cycle.every((id) => expected.has(id))) {
      return false;
    }
    if (!Number.isInteger(position) || position < -1 || position >= cycle.length) {
      return false;
    }
    this.order = [...cycle];
    this.position = position;
    this.upcomingCycle = undefined;
    return true;
  }

  /** What plays after the current item; with `wrap`, the first of the next cycle at the end. */
  peekNext(wrap: boolean, exclude?: ReadonlySet<string>): string | undefined {
    for (let i = this.position + 1; i < this.order.length; i++) {
      if (!exclude?.has(this.order[i]!)) {
        return this.order[i];
      }
    }
    if (!wrap) {
      return undefined;
    }
    return this.nextCycle().find((id) => !exclude?.has(id));
  }

  /** What played before the current item in this cycle. */
  peekPrevious(): string | undefined {
    return this.position > 0 ? this.order[this.position - 1] : undefined;
  }

  /**
   * Makes `id` the current item. `direction` says how the caller got there, because the same id
   * can be both "one back" and "first of the next cycle":
   * - forward: it is what `peekNext` named (the next in this cycle, or one of the next cycle);
   * - back: it is what `peekPrevious` named;
   * - jump: the user picked it. It moves right after the played part, so the cycle stays a
   *   permutation and the rest of the cycle still plays once.
   */
  moveTo(id: string, direction: MoveDirection): void {
    if (this.order[this.position] === id) {
      return;
    }
    if (direction === 'forward') {
      if (this.order[this.position + 1] === id) {
        this.position++;
        return;
      }
      if (this.position === this.order.length - 1) {
        const next = this.nextCycle();
        if (next.includes(id)) {
          this.order = [id, ...next.filter((other) => other !== id)];
          this.position = 0;
          this.upcomingCycle = undefined;
          return;
        }
      }
    } else if (direction === 'back' && this.position > 0 && this.order[this.position - 1] === id) {
      this.position--;
      return;
    }
    const index = this.order.indexOf(id);
    if (index < 0) {
      return;
    }
    this.order.splice(index, 1);
    if (index < this.position) {
      this.position--;
    }
    this.order.splice(this.position + 1, 0, id);
    this.position++;
    this.upcomingCycle = undefined;
  }

  /** New items go to random places among the unplayed ones. */
  add(ids: readonly string[]): void {
    for (const id of ids) {
      const unplayed = this.order.length - (this.position + 1);
      const at = this.position + 1 + Math.floor(this.random() * (unplayed + 1));
      this.order.splice(at, 0, id);
    }
    this.upcomingCycle = undefined;
  }

  /** "Play next" means next, shuffle or not. */
  insertNext(ids: readonly string[]): void {
    this.order.splice(this.position + 1, 0, ...ids);
    this.upcomingCycle = undefined;
  }

  /**
   * Removing the current item leaves the position just before what followed it, so
   * `peekNext` still answers "what came after the removed one".
   */
  remove(ids: ReadonlySet<string>): void {
    const kept: string[] = [];
    let position = this.position;
    this.order.forEach((id, index) => {
      if (ids.has(id)) {
        if (index <= this.position) {
          position--;
        }
      } else {
        kept.push(id);
      }
    });
    this.order = kept;
    this.position = position;
    this.upcomingCycle = undefined;
  }

  clear(): void {
    this.order = [];
    this.position = -1;
    this.upcomingCycle = undefined;
  }

  private nextCycle(): string[] {
    if (!this.upcomingCycle) {
      const cycle = [...this.order];
      this.shuffleInPlace(cycle);
      // Never the same track twice in a row across the cycle boundary, when avoidable.
      const last = this.order.at(-1);
      if (cycle.length > 1 && cycle[0] === last) {
        const swapWith = 1 + Math.floor(this.random() * (cycle.length - 1));
        [cycle[0], cycle[swapWith]] = [cycle[swapWith]!, cycle[0]!];
      }
      this.upcomingCycle = cycle;
    }
    return this.upcomingCycle;
  }

  /** Fisher-Yates. */
  private shuffleInPlace(items: string[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
  }
}
