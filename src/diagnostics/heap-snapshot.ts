import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * Writes a V8 heap snapshot of this process into `dir` (created if missing) and returns the
 * file's path. Open it in Chrome DevTools (Memory tab → Load) and compare two snapshots to see
 * what was retained in between. Synchronous and slow on purpose (V8 stops the world; a large
 * heap takes seconds and about twice its size in memory): only on a user's request.
 */
export function writeHeapSnapshot(dir: string, label = 'host'): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `playhead-${label}-${process.pid}-${stamp}.heapsnapshot`);
  return v8.writeHeapSnapshot(file);
}

/**
 * Full garbage collections, with or without --expose-gc (the flag is set when needed), for heap
 * figures without garbage in them: the soak, and the engine's `diagnostics` with `gc`. Several
 * passes, because finalizers and weak callbacks free more on the second and third.
 */
export function collectGarbage(passes = 4): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < passes; i++) gc();
}
