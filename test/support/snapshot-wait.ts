import type { Player, PlayerSnapshot } from '../../src/player';

/** The first snapshot (from now on) that satisfies `predicate`; rejects after `ms` with the last one. */
export function waitForSnapshot(player: Player, predicate: (s: PlayerSnapshot) => boolean, ms = 10_000): Promise<PlayerSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out; last snapshot ${JSON.stringify(player.snapshot)}`));
    }, ms);
    const subscription = player.onDidChangeSnapshot((s) => {
      if (predicate(s)) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(s);
      }
    });
  });
}
