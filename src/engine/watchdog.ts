import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { IDisposable } from '../base/lifecycle';
import { trackChildProcess } from '../diagnostics/tracked';

/**
 * Makes sure the engine does not outlive its host. When the host dies, the engine's
 * 'disconnect' handler exits it — unless the engine's main thread is stuck in native code
 * (seen: PortAudio blocked inside ALSA's PulseAudio plugin), and then the process would be
 * orphaned forever. Only another process can kill a thread blocked in native code, so a tiny
 * shell loop watches both pids and SIGKILLs the engine once the host has been gone 3 s.
 * (A worker thread would do the same from inside, but its V8 isolate costs ~10 MB of RSS.)
 *
 * A hung main thread with a live host is the host's to detect (EngineClient: no message for
 * `hangTimeoutMs` → kill → crash recovery). Windows has no /bin/sh: no watcher there.
 */
const WATCH_SCRIPT = `
trap "" INT HUP  # the host decides; the watcher ends with the engine
host=$1; engine=$2; gone=0
while kill -0 "$engine" 2>/dev/null; do
  if kill -0 "$host" 2>/dev/null; then gone=0; else gone=$((gone + 1)); fi
  if [ "$gone" -ge 3 ]; then
    echo "playhead engine watchdog: the host process is gone; killing the engine" >&2
    kill -9 "$engine" 2>/dev/null; exit 0
  fi
  sleep 1
done
`;

export function startOrphanWatch(hostPid: number = process.ppid): IDisposable {
  if (process.platform === 'win32' || !fs.existsSync('/bin/sh')) return { dispose() {} };
  const watcher = spawn('/bin/sh', ['-c', WATCH_SCRIPT, 'playhead-engine-watch', String(hostPid), String(process.pid)], {
    stdio: 'ignore',
    // Its own process group: a signal to the host's group (a terminal's Ctrl-C, a test
    // harness stopping a tree) must not take the watcher down with it while the engine,
    // which handles those signals, may then get stuck exiting (seen: orphaned engines whose
    // watcher was gone, main thread in a futex inside PulseAudio's client library).
    detached: true,
  });
  watcher.on('error', () => undefined);
  trackChildProcess(watcher, 'OrphanWatch');
  watcher.unref();
  return {
    dispose() {
      if (watcher.exitCode === null && watcher.signalCode === null) watcher.kill('SIGTERM');
    },
  };
}
