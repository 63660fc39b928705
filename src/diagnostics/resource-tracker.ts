import { IDisposable, toDisposable } from '../base/lifecycle';

/**
 * Process-wide accounting of long-lived resources, so "nothing leaks" is a number that can be
 * checked (the soak, the diagnostics view) instead of a hope.
 *
 * An owner registers each resource when it creates it (`track(kind, owner)`) and disposes the
 * returned handle when the resource goes away; the handle is itself an IDisposable, so it is
 * owned with `_register`/DisposableStore like the resource and cannot outlive its owner.
 * Counting is two Map updates per resource; creation stacks are captured only in debug mode,
 * because `new Error().stack` costs microseconds and memory per live resource.
 */

/** The kinds the helpers in tracked.ts use; any other string is accepted too. */
export type ResourceKind =
  | 'timer'
  | 'interval'
  | 'child-process'
  | 'socket'
  | 'server'
  | 'stream'
  | 'decoder'
  | 'webview'
  | 'listener'
  | 'owner'
  | (string & {});

export interface LiveResource {
  readonly kind: ResourceKind;
  readonly owner: string;
  /** performance.now() at registration. */
  readonly createdAt: number;
  /** Only in debug mode: where it was created (the first frames outside this module). */
  readonly stack: string | undefined;
}

export interface ResourceSnapshot {
  readonly total: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** `owner → kind → count`. */
  readonly byOwner: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Registrations and releases since the tracker was made (churn, not leaks). */
  readonly created: number;
  readonly released: number;
}

const separator = '\u0000';

export class ResourceTracker {
  private readonly counts = new Map<string, number>();
  /** Debug mode only: every live handle with its creation stack. */
  private readonly live = new Set<LiveResource>();
  private created = 0;
  private released = 0;

  constructor(public debug = false) {}

  /** Registers one live resource; dispose the result when the resource is gone (idempotent). */
  track(kind: ResourceKind, owner: string): IDisposable {
    this.adjust(kind, owner, 1);
    const record: LiveResource | undefined = this.debug
      ? { kind, owner, createdAt: performance.now(), stack: captureStack() }
      : undefined;
    if (record) this.live.add(record);
    return toDisposable(() => {
      this.adjust(kind, owner, -1);
      if (record) this.live.delete(record);
    });
  }

  /**
   * Changes a count without a handle, for hot paths that already know their own balance (e.g. a
   * probe in Emitter that reports +1 on subscribe and -1 on unsubscribe).
   */
  adjust(kind: ResourceKind, owner: string, delta: number): void {
    if (delta === 0) return;
    const key = kind + separator + owner;
    const next = (this.counts.get(key) ?? 0) + delta;
    if (next === 0) this.counts.delete(key);
    else this.counts.set(key, next);
    if (delta > 0) this.created += delta;
    else this.released -= delta;
  }

  count(kind?: ResourceKind, owner?: string): number {
    let total = 0;
    for (const [key, value] of this.counts) {
      const [k, o] = key.split(separator) as [string, string];
      if ((kind === undefined || k === kind) && (owner === undefined || o === owner)) total += value;
    }
    return total;
  }

  snapshot(): ResourceSnapshot {
    const byKind: Record<string, number> = {};
    const byOwner: Record<string, Record<string, number>> = {};
    let total = 0;
    for (const [key, value] of this.counts) {
      const [kind, owner] = key.split(separator) as [string, string];
      byKind[kind] = (byKind[kind] ?? 0) + value;
      (byOwner[owner] ??= {})[kind] = value;
      total += value;
    }
    return { total, byKind, byOwner, created: this.created, released: this.released };
  }

  /** Debug mode: the live resources with their creation stacks, oldest first. */
  liveResources(): LiveResource[] {
    return [...this.live];
  }
}

function captureStack(): string | undefined {
  const stack = new Error().stack;
  if (!stack) return undefined;
  // Drop the "Error" line and the frames inside the diagnostics module itself.
  return stack
    .split('\n')
    .slice(1)
    .filter((line) => !/[\\/]diagnostics[\\/](resource-tracker|tracked)\.[jt]s/.test(line))
    .slice(0, 8)
    .map((line) => line.trim())
    .join('\n');
}

/** The one tracker of this process. Tests that need isolation construct their own. */
export const resources = new ResourceTracker(process.env.PLAYHEAD_TRACK_STACKS === '1');

/** Snapshot difference (`after - before`) by kind, only the kinds that changed. */
export function diffByKind(before: ResourceSnapshot, after: ResourceSnapshot): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const kind of new Set([...Object.keys(before.byKind), ...Object.keys(after.byKind)])) {
    const delta = (after.byKind[kind] ?? 0) - (before.byKind[kind] ?? 0);
    if (delta !== 0) diff[kind] = delta;
  }
  return diff;
}
