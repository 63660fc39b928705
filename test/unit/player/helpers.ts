import { Player, PlayerOptions } from '../../../src/player/player';
import { MemoryStateStore, StateStore } from '../../../src/player/store';
import type { Track } from '../../../src/player/track';
import { FakeEngine, ManualTime } from './fake-engine';

export interface Rig {
  readonly player: Player;
  readonly engine: FakeEngine;
  readonly time: ManualTime;
  readonly store: StateStore;
  readonly logs: string[];
}

export function tracks(count: number, prefix = 't'): Track[] {
  return Array.from({ length: count }, (_, i) => ({
    uri: `/music/${prefix}${i}.flac`,
    title: `${prefix.toUpperCase()} ${i}`,
    durationMs: 180_000,
  }));
}

/** A player on a fake engine, fake clock and memory store (or the given store). */
export function rig(options: Partial<PlayerOptions> & { store?: StateStore; time?: ManualTime } = {}): Rig {
  const time = options.time ?? new ManualTime();
  const engine = (options.engine as FakeEngine | undefined) ?? new FakeEngine(time.now);
  const store = options.store ?? new MemoryStateStore();
  const logs: string[] = [];
  const player = new Player({
    random: seededRandom(42),
    ...options,
    engine,
    store,
    now: time.now,
    timers: time,
    log: (message) => logs.push(message),
  });
  return { player, engine, time, store, logs };
}

/** Small deterministic PRNG (mulberry32) so shuffle tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
