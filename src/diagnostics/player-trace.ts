import type { Event } from '../base/event';
import { DisposableStore, IDisposable } from '../base/lifecycle';
import type { AudioEngine, EngineState } from '../engine/api';
import type { EngineStats } from '../engine/protocol';
import { realTimeFactor, type EngineTimings } from '../engine/timings';
import type { Player } from '../player';
import type { Trace } from './trace';
import { traceMethods } from './trace-methods';

/** Lanes (trace `tid`s) within the host process. */
export const hostLanes = { playerState: 1, playerCommands: 2, engineCalls: 3 } as const;
/** Lanes within the engine process. */
export const engineLanes = { state: 1, output: 2, stats: 3, decode: 4 } as const;

const playerCommands = [
  'play', 'pause', 'toggle', 'stop', 'seek', 'seekBy', 'next', 'previous', 'playAt', 'setVolume', 'setMuted',
  'toggleMute', 'setShuffle', 'setRepeat', 'cycleRepeat', 'setStopAfterCurrent', 'add', 'insertAt', 'remove', 'move',
  'clear', 'replaceAndPlay',
];

const engineCommands = ['load', 'play', 'pause', 'stop', 'seek', 'setVolume', 'preloadNext', 'listDevices', 'setDevice'];

/**
 * Traces a player: every state transition (instant, with from/to/cause), the current track and
 * errors on the state lane, every command as a span on the commands lane. Dispose to detach.
 */
export function attachPlayerTrace(player: Player, trace: Trace, pid: number = process.pid): IDisposable {
  const store = new DisposableStore();
  trace.nameProcess(pid, 'Playhead host');
  const stateLane = trace.lane(pid, hostLanes.playerState, 'player state');
  const commandLane = trace.lane(pid, hostLanes.playerCommands, 'player commands');
  store.add(
    player.onDidChangeState((change) => {
      trace.instant(stateLane, `${change.from} → ${change.to}`, 'state', { from: change.from, to: change.to, cause: change.cause });
    }),
  );
  let trackUri = player.snapshot.track?.uri;
  let error = player.snapshot.error?.message;
  store.add(
    player.onDidChangeSnapshot((snapshot) => {
      const uri = snapshot.track?.uri;
      if (uri !== trackUri) {
        trackUri = uri;
        trace.instant(stateLane, 'track', 'track', { uri: uri ?? null, index: snapshot.queueIndex });
      }
      const message = snapshot.error?.message;
      if (message !== error) {
        error = message;
        if (message !== undefined) trace.instant(stateLane, 'error', 'error', { message });
      }
    }),
  );
  store.add(
    traceMethods(player, playerCommands, trace, commandLane, 'command', (name, args) =>
      // Queue edits carry whole track lists: record their size, not their content.
      name === 'add' || name === 'insertAt' || name === 'replaceAndPlay' || name === 'remove'
        ? { count: args.find(Array.isArray)?.length ?? 0 }
        : args.length > 0 && typeof args[0] !== 'object'
          ? { value: args[0] }
          : undefined,
    ),
  );
  return store;
}

/** What some engines offer beyond AudioEngine (LocalEngine, EngineClient). */
export interface ObservableEngine extends AudioEngine {
  readonly onUnderrun?: Event<{ trackId: string | undefined; at: number }>;
  readonly onStats?: Event<EngineStats>;
  readonly onTimings?: Event<EngineTimings>;
  readonly pid?: number | undefined;
}

/**
 * Traces an engine: each call from the host as a span on the host's engine-calls lane (for
 * the engine client this is an IPC round-trip), and on the engine's own lanes its state
 * changes, underruns, stats (pipe depth, heap, RSS, decode speed) as counters, and the decode
 * and output spans it measured itself.
 */
export function attachEngineTrace(engine: ObservableEngine, trace: Trace, options: { hostPid?: number; enginePid?: number } = {}): IDisposable {
  const store = new DisposableStore();
  const hostPid = options.hostPid ?? process.pid;
  // A lane group of its own, whether the engine is in-process or a child that starts lazily
  // and gets a new pid on every restart (the real pid goes into the state events instead).
  const enginePid = options.enginePid ?? hostPid + 1_000_000;
  trace.nameProcess(enginePid, 'Playhead engine');
  const callLane = trace.lane(hostPid, hostLanes.engineCalls, 'engine calls');
  const stateLane = trace.lane(enginePid, engineLanes.state, 'engine state');
  const outputLane = trace.lane(enginePid, engineLanes.output, 'output');
  const statsLane = trace.lane(enginePid, engineLanes.stats, 'stats');
  const decodeLane = trace.lane(enginePid, engineLanes.decode, 'decode');
  store.add(
    traceMethods(engine, engineCommands, trace, callLane, 'ipc', (name, args) =>
      name === 'load' || name === 'preloadNext'
        ? { uri: (args[0] as { uri?: string } | undefined)?.uri ?? null }
        : typeof args[0] === 'number'
          ? { value: args[0] }
          : undefined,
    ),
  );
  store.add(engine.onDidChangeState((state: EngineState) => trace.instant(stateLane, state, 'engine-state', { state, pid: engine.pid ?? process.pid })));
  if (engine.onUnderrun) {
    store.add(engine.onUnderrun((u) => trace.instant(outputLane, 'underrun', 'underrun', { trackId: u.trackId ?? null })));
  }
  if (engine.onStats) {
    store.add(
      engine.onStats((s) => {
        trace.counter(statsLane, 'pipe', { frames: s.pipeFrames });
        trace.counter(statsLane, 'memory', { heapUsedMB: s.heapUsedBytes / 2 ** 20, rssMB: s.rssBytes / 2 ** 20 });
        trace.counter(statsLane, 'underruns', { total: s.underruns });
        if (s.firstPcmLatencyMs !== undefined) trace.counter(statsLane, 'first PCM after play', { ms: s.firstPcmLatencyMs });
        if (s.decodeSpeed !== undefined) trace.counter(statsLane, 'decode speed', { xRealTime: s.decodeSpeed });
      }),
    );
  }
  if (engine.onTimings) {
    store.add(
      engine.onTimings(({ spans, dropped }) => {
        for (const span of spans) {
          const lane = span.kind === 'decode' ? decodeLane : outputLane;
          const calls = span.kind === 'decode' ? 'reads' : 'writes';
          trace.complete(lane, span.kind, span.kind, span.startMs * 1000, span.durationMs * 1000, {
            [calls]: span.calls,
            frames: span.frames,
            audioMs: Math.round((span.frames * 1000) / span.sampleRate),
            busyMs: Math.round(span.busyMs * 100) / 100,
            xRealTime: Math.round(realTimeFactor(span.frames, span.sampleRate, span.busyMs) ?? 0),
          });
        }
        if (dropped > 0) trace.instant(decodeLane, 'timings dropped', 'timings', { spans: dropped });
      }),
    );
  }
  return store;
}
