import { Worker } from 'node:worker_threads';
import type { IDisposable } from '../base/lifecycle';

/**
 * A watchdog on its own thread, for the two ways the engine process could outlive its use:
 *
 *  - the host died (the extension host crashed or was killed) while the engine's main thread
 *    was stuck in native code, so 'disconnect' is never handled: the process would be
 *    orphaned forever (seen: PortAudio blocked inside ALSA's PulseAudio plugin);
 *  - the main thread hangs in a native call (PortAudio, a device driver): the engine stops
 *    answering while looking alive.
 *
 * The main thread bumps a shared counter every 250 ms. The worker checks once a second: if
 * the parent is gone for 3 s, or the counter has not moved for `hangMs`, it SIGKILLs the
 * process (the only thing that works against a thread blocked in native code). The host
 * notices the exit and restarts the engine (crash recovery) when it is still there.
 */

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const beats = new Int32Array(workerData.shared);
let last = Atomics.load(beats, 0);
let lastChange = Date.now();
let orphanSince = 0;
setInterval(() => {
  const now = Date.now();
  const beat = Atomics.load(beats, 0);
  if (beat !== last) { last = beat; lastChange = now; }
  const orphan = process.ppid !== workerData.parentPid;
  orphanSince = orphan ? (orphanSince || now) : 0;
  const why = orphan && now - orphanSince >= 3000 ? 'the host process is gone'
    : now - lastChange >= workerData.hangMs ? 'the engine main thread is not responding (' + (now - lastChange) + ' ms)'
    : '';
  if (why) {
    try { require('node:fs').writeSync(2, 'playhead engine watchdog: ' + why + '; exiting\\n'); } catch {}
    process.kill(process.pid, 'SIGKILL');
  }
}, 1000);
`;

export function startWatchdog(options: { hangMs?: number } = {}): IDisposable {
  const shared = new SharedArrayBuffer(4);
  const beats = new Int32Array(shared);
  const beat = setInterval(() => Atomics.add(beats, 0, 1), 250);
  beat.unref();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { shared, parentPid: process.ppid, hangMs: options.hangMs ?? 15_000 },
    // The watchdog needs none of the parent's flags (tsx loaders, inspector).
    execArgv: [],
    stdout: false,
    stderr: false,
  });
  worker.unref();
  return {
    dispose() {
      clearInterval(beat);
      void worker.terminate();
    },
  };
}
