import * as fs from 'node:fs';
import type { EngineDiagnostics, EngineEvent, EngineToHostMessage, RequestMessage } from './protocol';
import { PROTOCOL_VERSION, parseEngineArgv, parseRequest } from './protocol';
import { LocalEngine } from './local-engine';
import type { EngineTimings } from './timings';
import { startOrphanWatch } from './watchdog';
import { collectGarbage, writeHeapSnapshot } from '../diagnostics/heap-snapshot';
import { processMemory } from '../diagnostics/host-report';
import { resources } from '../diagnostics/resource-tracker';
import { countEmitterSubscriptions } from '../diagnostics/tracked';

/**
 * The engine child process. Forked by the extension host (process.execPath with
 * ELECTRON_RUN_AS_NODE=1) or by the CLI with an IPC channel; plain Node, no `vscode`.
 * Everything it says goes over IPC: native code prints to stdout, which the host drains.
 *
 *   node dist/engine.js [--sink=auto|naudiodon|null|pipe|wav:FILE] [--device=NAME] [--pause-fade-ms=N]
 */

function send(message: EngineToHostMessage): void {
  if (process.connected) process.send?.(message);
}

function emit(event: EngineEvent): void {
  send({ kind: 'event', event });
}

function main(): void {
  if (!process.send) {
    process.stderr.write('playhead engine: must be started with an IPC channel (child_process.fork)\n');
    process.exit(2);
  }
  const options = parseEngineArgv(process.argv.slice(2));
  // Kept for the process's life: its listeners count from the start (Show Diagnostics, the soak).
  countEmitterSubscriptions();
  // Kept until the process ends: exiting can itself get stuck in native code.
  startOrphanWatch();
  const engine = new LocalEngine({
    ...(options.sink !== undefined ? { sink: options.sink } : {}),
    ...(options.device !== undefined ? { device: options.device } : {}),
    ...(options.pauseFadeMs !== undefined ? { pauseFadeMs: options.pauseFadeMs } : {}),
    ...(options.outputRate !== undefined ? { outputRate: options.outputRate } : {}),
    ...(options.releaseDeviceAfterPauseMs !== undefined ? { releaseDeviceAfterPauseMs: options.releaseDeviceAfterPauseMs } : {}),
    ...(options.network !== undefined ? { network: options.network } : {}),
    log: (level, message) => emit({ type: 'log', level, message }),
  });
  engine.onDidChangeState((state) => emit({ type: 'state', state }));
  engine.onPosition((report) => emit({ type: 'position', report }));
  engine.onTrackStarted((loaded) => emit({ type: 'trackStarted', loaded }));
  engine.onTrackEnded(({ trackId }) => emit({ type: 'trackEnded', trackId }));
  engine.onError((error) => emit({ type: 'error', error }));
  engine.onUnderrun(({ trackId, at }) => emit({ type: 'underrun', trackId, at }));
  engine.onStreamTitle(({ trackId, title }) => emit({ type: 'streamTitle', trackId, title }));
  engine.onBuffering(({ trackId, progress }) => emit({ type: 'buffering', trackId, progress }));
  // A tick's timings fire just before its stats: both go in one message.
  let timings: EngineTimings | undefined;
  engine.onTimings((batch) => (timings = batch));
  engine.onStats((stats) => {
    emit(timings ? { type: 'stats', stats, timings } : { type: 'stats', stats });
    timings = undefined;
  });

  let shuttingDown = false;
  const shutdown = (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    try {
      engine.dispose();
    } finally {
      // Give the sink a moment to stop the device cleanly, but never hang.
      setTimeout(() => process.exit(code), 150).unref();
    }
  };

  // Commands run one at a time, in order: a seek never overtakes the load before it.
  let queue: Promise<unknown> = Promise.resolve();

  // A device left behind spoils PortAudio in this process (a new stream plays silence): the
  // host replaces this engine with a fresh one. Exiting here instead would fail the commands
  // already on their way, and exiting can itself get stuck in the device's native teardown.
  engine.onOutputStuck((message) => emit({ type: 'outputStuck', message }));
  process.on('message', (raw: unknown) => {
    const request = parseRequest(raw);
    if (typeof request === 'string') {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : undefined;
      if (id !== undefined) send({ kind: 'reply', id, ok: false, error: `invalid request: ${request}` });
      emit({ type: 'log', level: 'warn', message: `dropped an invalid message: ${request}` });
      return;
    }
    queue = queue.then(() => handle(request)).catch(() => undefined);
  });

  async function handle(request: RequestMessage): Promise<void> {
    const { id, command } = request;
    try {
      let result: unknown;
      switch (command.type) {
        case 'load':
          result = await engine.load(command.track, {
            autoplay: command.autoplay,
            ...(command.startMs !== undefined ? { startMs: command.startMs } : {}),
          });
          break;
        case 'play':
          await engine.play();
          break;
        case 'pause':
          await engine.pause();
          break;
        case 'stop':
          await engine.stop();
          break;
        case 'seek':
          await engine.seek(command.positionMs);
          break;
        case 'setVolume':
          await engine.setVolume(command.volume);
          break;
        case 'preloadNext':
          await engine.preloadNext(command.track);
          break;
        case 'listDevices':
          result = await engine.listDevices();
          break;
        case 'setDevice':
          await engine.setDevice(command.name);
          break;
        case 'heapSnapshot':
          // Blocks this process while V8 writes (the engine's heap is small, ~10 MB): audio may skip once.
          result = { file: writeHeapSnapshot(command.dir, 'engine') };
          break;
        case 'diagnostics':
          if (command.gc) collectGarbage();
          result = {
            pid: process.pid,
            uptimeSeconds: process.uptime(),
            memory: processMemory(),
            resources: resources.snapshot().byKind,
            stats: engine.stats(),
          } satisfies EngineDiagnostics;
          break;
        case 'shutdown':
          send({ kind: 'reply', id, ok: true, result: undefined });
          shutdown(0);
          return;
      }
      send({ kind: 'reply', id, ok: true, result });
      if (command.type === 'load') blockOnceAfterLoad();
    } catch (error) {
      send({ kind: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  // The host went away (closed IPC): nothing can drive us any more.
  process.on('disconnect', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  // Ctrl-C in a terminal reaches the whole foreground process group, this engine included.
  // Its parent decides its life (it sends shutdown, or disconnects); dying here would read as
  // a crash and be restarted while the CLI shuts down.
  process.on('SIGINT', () => undefined);
  process.on('uncaughtException', (error) => {
    emit({ type: 'error', error: { trackId: undefined, kind: 'crash', message: `engine: ${error.message}`, fatalForTrack: false } });
    shutdown(1);
  });

  emit({ type: 'ready', pid: process.pid, protocol: PROTOCOL_VERSION, sink: options.sink ?? 'auto' });

  if (testBlockMs > 0 && process.env.PLAYHEAD_ENGINE_TEST_BLOCK_ONCE === undefined) setTimeout(blockMainThread, 50);
}

/**
 * Test hooks: block the main thread as a hung native call would (watchdog tests).
 * PLAYHEAD_ENGINE_TEST_BLOCK_MS alone blocks 50 ms after ready. With
 * PLAYHEAD_ENGINE_TEST_BLOCK_ONCE (a marker file) it blocks after the first load instead, and
 * only in the engine that creates the marker: the restarted engine must play, not hang again.
 */
const testBlockMs = Number(process.env.PLAYHEAD_ENGINE_TEST_BLOCK_MS ?? 0);

function blockMainThread(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, testBlockMs);
}

function blockOnceAfterLoad(): void {
  const marker = process.env.PLAYHEAD_ENGINE_TEST_BLOCK_ONCE;
  if (testBlockMs <= 0 || marker === undefined) return;
  try {
    fs.closeSync(fs.openSync(marker, 'wx'));
  } catch {
    return; // another engine of this test blocked already
  }
  setTimeout(blockMainThread, 50);
}

main();
