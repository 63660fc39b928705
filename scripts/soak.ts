/**
 * Soak test: drives a real Player on the real in-process LocalEngine through many track
 * changes, seeks and panel open/close cycles, and checks that nothing was left behind: the
 * heap after a forced GC grew by at most 1 MB, and every resource count (tracked resources,
 * listeners on the player's and engine's emitters, Node's event-loop handles) is back where it
 * started. With the engine child process (--engine=process), the same for the engine: its heap
 * after a GC and its tracked resources, asked over IPC (`diagnostics`).
 *
 *   npm run soak                          (1,000 track changes, 10,000 seeks, 100 panel cycles)
 *   npm run soak -- --scale=0.1           (a tenth of that)
 *   npm run soak -- --engine=process      (the engine child process behind the EngineClient: IPC)
 *
 * Exits 1 when a check fails. The unit test runs `runSoak` scaled down.
 *
 * What runs: the engine plays to its 'null' sink, which paces output in real time like a
 * device (nothing is heard; decoding, the PCM pipe, seeking and gapless preloading are all
 * real). What the "panel" is: VS Code cannot run here, so each cycle opens what the player panel
 * owns on the host side — a PlayerViewModelImpl over the player, a PositionThrottle, listeners
 * on the view model, a timer, and a stand-in for the webview panel with its onDidDispose — and
 * disposes it, as closing the panel does. The webview page itself is not cycled.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter } from '../src/base/event';
import { Disposable, toDisposable } from '../src/base/lifecycle';
import { collectGarbage } from '../src/diagnostics/heap-snapshot';
import { formatBytes } from '../src/diagnostics/host-report';
import { countEmitterListeners } from '../src/diagnostics/listener-census';
import { attachEngineTrace, attachPlayerTrace } from '../src/diagnostics/player-trace';
import { resources, ResourceSnapshot } from '../src/diagnostics/resource-tracker';
import { Trace } from '../src/diagnostics/trace';
import { trackedInterval, trackedListener, trackedTimeout, trackWebview } from '../src/diagnostics/tracked';
import { EngineClient } from '../src/engine/client';
import { LocalEngine } from '../src/engine/local-engine';
import { Player } from '../src/player/player';
import { MemoryStateStore } from '../src/player/store';
import { PositionThrottle } from '../src/vscode/panel/position-throttle';
import { PlayerViewModelImpl } from '../src/vscode/player-view-model';

export interface SoakOptions {
  readonly trackChanges: number;
  readonly seeks: number;
  readonly panelCycles: number;
  readonly log?: (line: string) => void;
  /** For testing the soak itself: each panel also subscribes to the player and never unsubscribes. */
  readonly injectListenerLeak?: boolean;
  /**
   * 'local' (default): the LocalEngine in this process. 'process': the real engine child process
   * (src/engine/main.ts through tsx) behind the EngineClient, so every command is an IPC
   * round-trip; its decoders are then counted in the child, not here.
   */
  readonly engine?: 'local' | 'process';
}

export interface Counts {
  readonly tracked: Readonly<Record<string, number>>;
  readonly listeners: number;
  /** process.getActiveResourcesInfo() by type: timers and handles (requests in flight left out). */
  readonly handles: Readonly<Record<string, number>>;
}

export interface MemoryFigures {
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

export interface EngineFigures {
  readonly heapUsed: number;
  readonly external: number;
  readonly tracked: Readonly<Record<string, number>>;
}

export interface SoakResult {
  readonly durationMs: number;
  readonly done: { trackChanges: number; seeks: number; panelCycles: number; messagesToPanels: number };
  readonly memoryStart: MemoryFigures;
  readonly memoryEnd: MemoryFigures;
  readonly countsBefore: Counts;
  readonly countsStart: Counts;
  readonly countsEnd: Counts;
  readonly countsAfterDispose: Counts;
  readonly traceEvents: number;
  /** The engine child's heap after a GC and its tracked resources (process mode only). */
  readonly engine?: { readonly start: EngineFigures; readonly end: EngineFigures };
  /** Human-readable failed checks; empty when the soak passed. */
  readonly failures: string[];
}

const MB = 2 ** 20;
const FILES = 4;
const TRACK_SECONDS = 3;
const SAMPLE_RATE = 44_100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** mulberry32: the same soak every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeTestWav(file: string, seed: number): void {
  const frames = SAMPLE_RATE * TRACK_SECONDS;
  const data = Buffer.alloc(frames * 4);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(8000 * Math.sin((2 * Math.PI * (220 + seed * 110) * i) / SAMPLE_RATE));
    data.writeInt16LE(v, i * 4);
    data.writeInt16LE(v, i * 4 + 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

/** What the player panel owns on the host side, opened and closed like the panel. */
class PanelStandIn extends Disposable {
  static readonly owner = 'PanelStandIn';
  messages = 0;

  constructor(player: Player, leak: boolean) {
    super();
    if (leak) player.onDidChangeSnapshot(() => this.messages++);
    const owner = PanelStandIn.owner;
    // The webview panel: disposing it fires onDidDispose, which releases its count.
    const onDidDispose = this._register(new Emitter<void>());
    this._register(trackWebview({ onDidDispose: onDidDispose.event }, owner));
    const viewModel = this._register(new PlayerViewModelImpl(player, { coverUri: () => undefined }, async () => undefined));
    const throttle = this._register(
      new PositionThrottle(() => this.messages++, { setTimer: (fn, ms) => trackedTimeout(fn, ms, owner) }),
    );
    this._register(trackedListener(viewModel.onDidChangeState, () => this.messages++, owner));
    this._register(trackedListener(viewModel.onDidChangeQueue, () => this.messages++, owner));
    this._register(trackedListener(viewModel.onPosition, (update) => throttle.push(update), owner));
    // The panel's periodic work (the real one re-sends ready on visibility changes).
    this._register(trackedInterval(() => undefined, 1_000, owner));
    // Registered last, so it runs first: the panel is "closed" before its parts go.
    this._register(toDisposable(() => onDidDispose.fire()));
    this.messages += viewModel.getQueue().items.length > 0 ? 1 : 0;
  }
}

function counts(player: Player | undefined): Counts {
  const snapshot: ResourceSnapshot = resources.snapshot();
  const handles: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    // Requests (FSReqCallback, GetAddrInfoReqWrap...) are single operations in flight, e.g. the
    // TypeScript loader writing its cache: they end by themselves. Handles and timers do not.
    if (/Req/.test(type)) continue;
    handles[type] = (handles[type] ?? 0) + 1;
  }
  return { tracked: snapshot.byKind, listeners: player ? countEmitterListeners(player).listeners : 0, handles };
}

function memory(): MemoryFigures {
  collectGarbage();
  const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, external, arrayBuffers, rss };
}

function sameCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): string | undefined {
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if ((a[key] ?? 0) !== (b[key] ?? 0)) differences.push(`${key} ${a[key] ?? 0} → ${b[key] ?? 0}`);
  }
  return differences.length > 0 ? differences.join(', ') : undefined;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-soak-'));
  const files = Array.from({ length: FILES }, (_, i) => {
    const file = path.join(dir, `track${i}.wav`);
    writeTestWav(file, i);
    return file;
  });
  const rand = random(20261122);
  const failures: string[] = [];
  const done = { trackChanges: 0, seeks: 0, panelCycles: 0, messagesToPanels: 0 };

  await sleep(50);
  memory();
  const countsBefore = counts(undefined);

  const engine =
    options.engine === 'process'
      ? new EngineClient({ enginePath: path.join(__dirname, '../src/engine/main.ts'), sink: 'null', pauseFadeMs: 0 })
      : // It counts its decoders, timers and output stream itself, in this process's tracker.
        new LocalEngine({ sink: 'null', pauseFadeMs: 0, pipeSeconds: 0.2 });
  /** The engine child's side, after a GC in it; undefined in-process (the counts above include it). */
  const engineFigures = async (): Promise<EngineFigures | undefined> => {
    if (!(engine instanceof EngineClient)) return undefined;
    const d = await engine.diagnostics({ gc: true });
    if (!d) throw new Error('the engine process is not running');
    return { heapUsed: d.memory.heapUsed, external: d.memory.external, tracked: d.resources };
  };
  // historyLimit 50 (the default is 500) so the warm-up fills the history: a bounded list
  // filling up is not a leak, and would otherwise be counted as one.
  const player = new Player({ engine, store: new MemoryStateStore(), log: () => undefined, historyLimit: 50 });
  const trace = new Trace({ capacity: 2_000 });
  const traced = [attachPlayerTrace(player, trace), attachEngineTrace(engine, trace)];

  const trackChange = async () => {
    const pick = rand();
    const result = pick < 0.6 ? await player.next() : pick < 0.8 ? await player.previous() : await player.playAt(Math.floor(rand() * FILES * 2));
    if (!result.ok) throw new Error(`track change refused: ${result.message}`);
    done.trackChanges++;
  };
  const seek = async () => {
    const result = await player.seek(rand() * (TRACK_SECONDS * 1000 - 200));
    // A track may just be changing (the end was reached): then it is not seekable for a moment.
    if (result.ok) done.seeks++;
    else if (result.reason !== 'not-seekable' && result.reason !== 'invalid-state') throw new Error(`seek refused: ${result.message}`);
  };
  const panelCycle = async (seeksInside: number) => {
    const panel = new PanelStandIn(player, options.injectListenerLeak === true);
    for (let i = 0; i < seeksInside; i++) await seek();
    await sleep(1);
    done.messagesToPanels += panel.messages;
    panel.dispose();
    done.panelCycles++;
  };
  /** Paused and idle, so every measurement sees the same set of timers and tasks. */
  const settle = async () => {
    if (player.state === 'playing' || player.state === 'buffering') await player.pause();
    // After a pause the engine follows the draining output with one-shot report timers for a
    // moment (longer on a loaded machine): wait until the set of timers and handles holds still.
    let before = JSON.stringify(counts(player).handles);
    for (let i = 0; i < 15; i++) {
      await sleep(200);
      const now = JSON.stringify(counts(player).handles);
      if (now === before) break;
      before = now;
    }
    // Pending saves (a position report marks the position dirty) are timers too: write them
    // now, and measure before the event loop turns again.
    await player.flush();
  };
  const resume = async () => {
    if (player.state !== 'playing') await player.play();
  };

  let result: SoakResult | undefined;
  try {
    player.add(Array.from({ length: FILES * 2 }, (_, i) => ({ uri: files[i % FILES]! })));
    player.setRepeat('all');
    await player.play();

    // Warm-up: JIT, caches, the history and the trace ring fill to their bounds.
    log('warm-up…');
    for (let i = 0; i < 60; i++) await trackChange();
    for (let i = 0; i < 600; i++) await seek();
    for (let i = 0; i < 5; i++) await panelCycle(5);
    await settle();
    const memoryStart = memory();
    const countsStart = counts(player);
    const engineStart = await engineFigures();
    log(`start: heap ${formatBytes(memoryStart.heapUsed)}, external ${formatBytes(memoryStart.external)}, tracked ${JSON.stringify(countsStart.tracked)}, listeners ${countsStart.listeners}`);
    if (engineStart) log(`       engine heap ${formatBytes(engineStart.heapUsed)}, tracked ${JSON.stringify(engineStart.tracked)}`);
    await resume();

    // The work, interleaved as a session would be: seeks between track changes, panels opened and closed.
    const warm = { ...done };
    const { trackChanges, seeks, panelCycles } = options;
    const seeksPerPanel = Math.min(5, Math.floor(seeks / Math.max(1, panelCycles)));
    const seeksOutside = seeks - panelCycles * seeksPerPanel;
    const steps = Math.max(trackChanges, panelCycles, 1);
    const due = (total: number, step: number) => Math.floor(((step + 1) * total) / steps);
    let changed = 0;
    let sought = 0;
    let cycled = 0;
    for (let step = 0; step < steps; step++) {
      for (; changed < due(trackChanges, step); changed++) await trackChange();
      for (; sought < due(seeksOutside, step); sought++) await seek();
      for (; cycled < due(panelCycles, step); cycled++) await panelCycle(seeksPerPanel);
      if (step % 100 === 99) log(`  ${changed} track changes, ${done.seeks - warm.seeks} seeks, ${cycled} panel cycles, ${Math.round(performance.now() - started)} ms`);
    }
    const work = {
      trackChanges: done.trackChanges - warm.trackChanges,
      seeks: done.seeks - warm.seeks,
      panelCycles: done.panelCycles - warm.panelCycles,
      messagesToPanels: done.messagesToPanels - warm.messagesToPanels,
    };

    await settle();
    const memoryEnd = memory();
    const countsEnd = counts(player);
    const engineEnd = await engineFigures();
    log(`end:   heap ${formatBytes(memoryEnd.heapUsed)}, external ${formatBytes(memoryEnd.external)}, tracked ${JSON.stringify(countsEnd.tracked)}, listeners ${countsEnd.listeners}`);
    if (engineEnd) log(`       engine heap ${formatBytes(engineEnd.heapUsed)}, tracked ${JSON.stringify(engineEnd.tracked)}`);

    const heapGrowth = memoryEnd.heapUsed - memoryStart.heapUsed;
    const externalGrowth = memoryEnd.external - memoryStart.external;
    if (heapGrowth > MB) failures.push(`heap grew by ${formatBytes(heapGrowth)} (limit 1 MB)`);
    if (externalGrowth > MB) failures.push(`external memory grew by ${formatBytes(externalGrowth)} (limit 1 MB)`);
    const trackedDiff = sameCounts(countsStart.tracked, countsEnd.tracked);
    if (trackedDiff) failures.push(`tracked resources changed: ${trackedDiff}`);
    if (countsStart.listeners !== countsEnd.listeners) failures.push(`listeners on the player's emitters: ${countsStart.listeners} → ${countsEnd.listeners}`);
    const handleDiff = sameCounts(countsStart.handles, countsEnd.handles);
    if (handleDiff) failures.push(`event-loop handles changed: ${handleDiff}`);
    if (engineStart && engineEnd) {
      const engineGrowth = engineEnd.heapUsed - engineStart.heapUsed;
      if (engineGrowth > MB) failures.push(`the engine's heap grew by ${formatBytes(engineGrowth)} (limit 1 MB)`);
      const engineExternalGrowth = engineEnd.external - engineStart.external;
      if (engineExternalGrowth > MB) failures.push(`the engine's external memory grew by ${formatBytes(engineExternalGrowth)} (limit 1 MB)`);
      const engineDiff = sameCounts(engineStart.tracked, engineEnd.tracked);
      if (engineDiff) failures.push(`the engine's tracked resources changed: ${engineDiff}`);
    }

    // Everything disposed: back to before the player existed.
    for (const d of traced) d.dispose();
    player.dispose();
    engine.dispose();
    // The engine frees its decoders once its decoder task has stopped, and its teardown waits
    // for that task with a 500 ms timer that stays pending until it expires; an engine child
    // takes a moment to exit and close its pipes.
    let countsAfterDispose = counts(undefined);
    for (let waited = 0; waited < 5_000; waited += 100) {
      await sleep(100);
      memory();
      countsAfterDispose = counts(undefined);
      if (waited >= 600 && !sameCounts(countsBefore.handles, countsAfterDispose.handles) && !sameCounts(countsBefore.tracked, countsAfterDispose.tracked)) break;
    }
    const disposedDiff = sameCounts(countsBefore.tracked, countsAfterDispose.tracked);
    if (disposedDiff) failures.push(`tracked resources left after dispose: ${disposedDiff}`);
    const disposedHandles = sameCounts(countsBefore.handles, countsAfterDispose.handles);
    if (disposedHandles) failures.push(`event-loop handles left after dispose: ${disposedHandles}`);

    result = {
      durationMs: performance.now() - started,
      done: work,
      memoryStart,
      memoryEnd,
      countsBefore,
      countsStart,
      countsEnd,
      countsAfterDispose,
      traceEvents: trace.length + trace.dropped,
      ...(engineStart && engineEnd ? { engine: { start: engineStart, end: engineEnd } } : {}),
      failures,
    };
  } finally {
    for (const d of traced) d.dispose();
    player.dispose();
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

function formatKinds(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

function formatCounts(c: Counts): string {
  return `tracked: ${formatKinds(c.tracked)}; listeners on player/engine emitters: ${c.listeners}; event-loop handles: ${formatKinds(c.handles)}`;
}

async function main(): Promise<void> {
  const scaleArg = process.argv.find((a) => a.startsWith('--scale='));
  const scale = scaleArg ? Number(scaleArg.slice('--scale='.length)) : 1;
  if (!(scale > 0)) throw new Error(`bad --scale: ${scaleArg}`);
  const engineKind: 'local' | 'process' = process.argv.includes('--engine=process') ? 'process' : 'local';
  const options = {
    engine: engineKind,
    trackChanges: Math.round(1_000 * scale),
    seeks: Math.round(10_000 * scale),
    panelCycles: Math.round(100 * scale),
    log: (line: string) => console.log(line),
  };
  const engineLabel = engineKind === 'process' ? 'EngineClient + engine child process' : 'LocalEngine in-process';
  console.log(`soak: ${options.trackChanges} track changes, ${options.seeks} seeks, ${options.panelCycles} panel open/close cycles (Player + ${engineLabel}, null sink)`);
  const r = await runSoak(options);
  const row = (label: string, m: MemoryFigures) =>
    `${label} heapUsed ${formatBytes(m.heapUsed)}, external ${formatBytes(m.external)}, arrayBuffers ${formatBytes(m.arrayBuffers)}, rss ${formatBytes(m.rss)}`;
  console.log('');
  console.log(`done in ${(r.durationMs / 1000).toFixed(1)} s: ${r.done.trackChanges} track changes, ${r.done.seeks} seeks, ${r.done.panelCycles} panel cycles (${r.done.messagesToPanels} view messages), ${r.traceEvents} trace events`);
  console.log(row('after GC, start:', r.memoryStart));
  console.log(row('after GC, end:  ', r.memoryEnd));
  console.log(`heap growth ${formatBytes(r.memoryEnd.heapUsed - r.memoryStart.heapUsed)}, external growth ${formatBytes(r.memoryEnd.external - r.memoryStart.external)}`);
  if (r.engine) {
    const { start, end } = r.engine;
    console.log(`engine child after GC: heapUsed ${formatBytes(start.heapUsed)} → ${formatBytes(end.heapUsed)} (growth ${formatBytes(end.heapUsed - start.heapUsed)}), external ${formatBytes(start.external)} → ${formatBytes(end.external)}`);
  }
  console.log(`counts before the player: ${formatCounts(r.countsBefore)}`);
  console.log(`counts at start:          ${formatCounts(r.countsStart)}`);
  console.log(`counts at end:            ${formatCounts(r.countsEnd)}`);
  console.log(`counts after dispose:     ${formatCounts(r.countsAfterDispose)}`);
  if (r.engine) {
    console.log(`engine tracked at start:  ${formatKinds(r.engine.start.tracked)}`);
    console.log(`engine tracked at end:    ${formatKinds(r.engine.end.tracked)}`);
  }
  if (r.failures.length > 0) {
    console.log(`\nFAIL:\n  ${r.failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('\nPASS: heap growth ≤ 1 MB and every count back to its start value');
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
