import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore, toDisposable } from '../../base/lifecycle';
import { writeHeapSnapshot } from '../../diagnostics/heap-snapshot';
import { collectReport, EngineReport, formatBytes, renderReportMarkdown } from '../../diagnostics/host-report';
import { GrowthReport, MemoryWatchdog, MemoryWatchdogOptions } from '../../diagnostics/memory-watchdog';
import { attachEngineTrace, attachPlayerTrace, ObservableEngine } from '../../diagnostics/player-trace';
import { resources } from '../../diagnostics/resource-tracker';
import { chromeTraceProblems, Trace } from '../../diagnostics/trace';
import type { Player } from '../../player';
import { DiagnosticsDocument } from './diagnostics-document';

export interface DiagnosticsDeps {
  readonly player: Player;
  readonly log: vscode.LogOutputChannel;
  /**
   * The engine's figures: memory, uptime, live resources, pipe depth, underruns, decode speed
   * (the composition root asks the engine process: `engineReport(await engine.diagnostics())`).
   * Undefined (not running), a rejection or no answer within 1 s shows why it is missing instead.
   */
  readonly engineStats?: () => Promise<EngineReport | undefined>;
  /** When given, engine calls (IPC round-trips), engine states, underruns and stats are traced too. */
  readonly engine?: ObservableEngine;
  /** When given, "Write Heap Snapshot" also asks the engine for one; it resolves with its path, or undefined when the engine is not running. */
  readonly engineHeapSnapshot?: (dir: string) => Promise<string | undefined>;
  /** Where heap snapshots go. Default: <tmp>/playhead-heap-snapshots. */
  readonly snapshotDir?: string;
  /** Tests only: the watchdog's clock, memory reader and timer. */
  readonly watchdogTiming?: Pick<MemoryWatchdogOptions, 'now' | 'read' | 'setInterval' | 'warmupMs' | 'windowMs' | 'sampleIntervalMs'>;
}

export const diagnosticsCommands = {
  show: 'playhead.showDiagnostics',
  copy: 'playhead.copyDiagnostics',
  exportTrace: 'playhead.exportTrace',
  heapSnapshot: 'playhead.writeHeapSnapshot',
} as const;

const settings = {
  section: 'playhead.diagnostics',
  watchdog: 'memoryWatchdog',
  threshold: 'growthThresholdMBPerMin',
} as const;

const ENGINE_STATS_TIMEOUT_MS = 1_000;

/**
 * Everything diagnostic in the extension host: the trace of the player (and engine), the
 * memory watchdog driven by the settings, and the commands Show Diagnostics, Copy Diagnostics,
 * Export Trace and Write Heap Snapshot. One disposable owns it all.
 */
export function registerDiagnostics(deps: DiagnosticsDeps): vscode.Disposable {
  const store = new DisposableStore();
  const { player, log } = deps;
  const startedAt = Date.now();

  const trace = new Trace();
  store.add(attachPlayerTrace(player, trace));
  if (deps.engine) store.add(attachEngineTrace(deps.engine, trace));

  // --- watchdog ---------------------------------------------------------------------------
  let notified = false;
  const onGrowth = (report: GrowthReport) => {
    const what = report.growing.map((g) => `${g.metric} +${formatBytes(g.bytesPerMinute)}/min (floor +${formatBytes(g.floorRiseBytes)})`).join(', ');
    log.warn(`[diagnostics] memory keeps growing over the last ${report.windowMs / 60_000} min: ${what}; threshold ${formatBytes(report.thresholdBytesPerMinute)}/min`);
    trace.instant(trace.lane(process.pid, 0, 'diagnostics'), 'memory growth', 'watchdog', { growing: what });
    if (notified) return;
    // Once per session: a leak is worth one interruption, not one per episode.
    notified = true;
    void vscode.window
      .showWarningMessage(
        // The extension host is shared with other extensions: say what grew, not whose it is.
        `Playhead: the extension host's memory keeps growing (${what}). Show Diagnostics tells whether Playhead's resources grew; a heap snapshot shows what holds the memory.`,
        'Show Diagnostics',
        'Write Heap Snapshot',
      )
      .then((choice) => {
        if (choice === 'Show Diagnostics') void vscode.commands.executeCommand(diagnosticsCommands.show);
        if (choice === 'Write Heap Snapshot') void vscode.commands.executeCommand(diagnosticsCommands.heapSnapshot);
      });
  };
  let watchdog: MemoryWatchdog | undefined;
  const applySettings = () => {
    const config = vscode.workspace.getConfiguration(settings.section);
    const enabled = config.get<boolean>(settings.watchdog, true);
    const thresholdMB = config.get<number>(settings.threshold, 0.5);
    const threshold = Number.isFinite(thresholdMB) && thresholdMB > 0 ? thresholdMB * 2 ** 20 : undefined;
    watchdog?.dispose();
    watchdog = undefined;
    if (!enabled) {
      log.info('[diagnostics] memory watchdog off (playhead.diagnostics.memoryWatchdog)');
      return;
    }
    watchdog = new MemoryWatchdog({
      ...deps.watchdogTiming,
      onGrowth,
      onRecover: () => log.info('[diagnostics] memory growth has stopped'),
      thresholdBytesPerMinute: threshold,
    });
    watchdog.start();
  };
  applySettings();
  store.add(toDisposable(() => watchdog?.dispose()));
  store.add(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(settings.section)) applySettings();
    }),
  );

  // --- report -----------------------------------------------------------------------------
  const engineStats = async (): Promise<{ stats?: EngineReport; note?: string }> => {
    if (!deps.engineStats) return { note: 'no engine stats provider' };
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ENGINE_STATS_TIMEOUT_MS} ms`)), ENGINE_STATS_TIMEOUT_MS);
      });
      const stats = await Promise.race([deps.engineStats(), timeout]).finally(() => clearTimeout(timer));
      return stats ? { stats } : { note: 'the engine is not running (it starts with the first track)' };
    } catch (error) {
      return { note: `unavailable: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
  const renderReport = async () => {
    const engine = await engineStats();
    const snapshot = player.snapshot;
    const report = collectReport({
      engine: engine.stats,
      engineNote: engine.note,
      player: { state: snapshot.state, track: snapshot.track?.title ?? snapshot.track?.uri, queueLength: snapshot.queueLength },
      watchdog,
      trace,
    });
    return renderReportMarkdown(report) + `\nDiagnostics registered ${Math.round((Date.now() - startedAt) / 1000)} s ago. Copy all: **Playhead: Copy Diagnostics**.\n`;
  };
  const document = store.add(new DiagnosticsDocument(renderReport));

  // --- commands ---------------------------------------------------------------------------
  const register = (id: string, handler: () => unknown) => store.add(vscode.commands.registerCommand(id, handler));
  register(diagnosticsCommands.show, () => document.show());
  register(diagnosticsCommands.copy, async () => {
    await vscode.env.clipboard.writeText(await renderReport());
    void vscode.window.showInformationMessage('Playhead diagnostics copied to the clipboard.');
  });
  register(diagnosticsCommands.exportTrace, async () => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = await vscode.window.showSaveDialog({
      title: 'Playhead: Export Trace',
      defaultUri: vscode.Uri.file(path.join(os.homedir(), `playhead-trace-${stamp}.json`)),
      filters: { 'Chrome trace (Perfetto, chrome://tracing)': ['json'] },
    });
    if (!target) return;
    const json = trace.toChromeTrace({ host: process.pid, exportedAt: new Date().toISOString() });
    const problems = chromeTraceProblems(json);
    if (problems.length > 0) log.warn(`[diagnostics] trace export has ${problems.length} malformed events, e.g. ${problems[0]}`);
    await vscode.workspace.fs.writeFile(target, Buffer.from(JSON.stringify(json)));
    log.info(`[diagnostics] wrote ${json.traceEvents.length} trace events to ${target.fsPath}`);
    const open = await vscode.window.showInformationMessage(`Trace written (${json.traceEvents.length} events). Open it in https://ui.perfetto.dev or chrome://tracing.`, 'Reveal');
    if (open === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', target);
  });
  register(diagnosticsCommands.heapSnapshot, async () => {
    const dir = deps.snapshotDir ?? path.join(os.tmpdir(), 'playhead-heap-snapshots');
    const written: string[] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Playhead: writing heap snapshot…' }, async () => {
      try {
        written.push(writeHeapSnapshot(dir, 'host'));
      } catch (error) {
        log.error(`[diagnostics] host heap snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (deps.engineHeapSnapshot) {
        try {
          const file = await deps.engineHeapSnapshot(dir);
          if (file) written.push(file);
          else log.info('[diagnostics] no engine heap snapshot: the engine is not running (it starts with the first track)');
        } catch (error) {
          log.warn(`[diagnostics] engine heap snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
    if (written.length === 0) {
      void vscode.window.showErrorMessage('Playhead could not write a heap snapshot; see the log.');
      return;
    }
    for (const file of written) log.info(`[diagnostics] heap snapshot: ${file}`);
    const choice = await vscode.window.showInformationMessage(
      `Heap snapshot written: ${written.map((f) => path.basename(f)).join(', ')}. Load it in DevTools → Memory.`,
      'Reveal',
    );
    if (choice === 'Reveal') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(written[0]!));
  });

  log.info(`[diagnostics] ready; ${resources.snapshot().total} tracked resources live`);
  return { dispose: () => store.dispose() };
}
