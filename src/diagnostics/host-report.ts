import type { EngineDiagnostics, EngineStats } from '../engine/protocol';
import type { MemoryWatchdog } from './memory-watchdog';
import { ResourceSnapshot, ResourceTracker, resources } from './resource-tracker';

/**
 * Everything "Playhead: Show Diagnostics" shows, gathered in one plain object (so it can be
 * tested, logged, or copied as JSON), and its rendering as Markdown.
 */

/**
 * The engine's side: its stats, plus what its `diagnostics` answer adds (the fields are optional
 * so that periodic stats alone, e.g. from an in-process engine, make a report too).
 */
export interface EngineReport extends EngineStats {
  readonly externalBytes?: number;
  readonly arrayBuffersBytes?: number;
  readonly uptimeSeconds?: number;
  /** Live tracked resources in the engine process, by kind. */
  readonly resources?: Readonly<Record<string, number>>;
}

/** The engine's `diagnostics` answer as the report shows it. */
export function engineReport(d: EngineDiagnostics): EngineReport {
  return {
    ...d.stats,
    heapUsedBytes: d.memory.heapUsed,
    rssBytes: d.memory.rss,
    externalBytes: d.memory.external,
    arrayBuffersBytes: d.memory.arrayBuffers,
    uptimeSeconds: d.uptimeSeconds,
    resources: d.resources,
  };
}

export interface ProcessMemory {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export interface DiagnosticsReport {
  readonly takenAt: string;
  readonly host: {
    readonly pid: number;
    readonly uptimeSeconds: number;
    readonly node: string;
    readonly memory: ProcessMemory;
    readonly resources: ResourceSnapshot;
    /** Node's own view of what keeps the event loop alive (timers, sockets, fs requests...), by type. */
    readonly activeHandles: Readonly<Record<string, number>>;
  };
  readonly engine: EngineReport | undefined;
  /** Why the engine part is missing, when it is. */
  readonly engineNote: string | undefined;
  readonly player: { readonly state: string; readonly track: string | undefined; readonly queueLength: number } | undefined;
  readonly watchdog:
    | {
        readonly running: boolean;
        readonly alarmed: boolean;
        readonly thresholdBytesPerMinute: number;
        readonly rates: readonly { metric: string; bytesPerMinute: number }[] | undefined;
      }
    | undefined;
  readonly trace: { readonly events: number; readonly capacity: number; readonly dropped: number } | undefined;
}

export function activeHandleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  const info = (process as NodeJS.Process & { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.() ?? [];
  for (const type of info) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

export function processMemory(): ProcessMemory {
  const { heapUsed, heapTotal, rss, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, heapTotal, rss, external, arrayBuffers };
}

export interface ReportSources {
  readonly tracker?: ResourceTracker;
  readonly engine?: EngineReport;
  readonly engineNote?: string;
  readonly player?: DiagnosticsReport['player'];
  readonly watchdog?: MemoryWatchdog;
  readonly trace?: { readonly length: number; readonly capacity: number; readonly dropped: number };
}

export function collectReport(sources: ReportSources = {}): DiagnosticsReport {
  const watchdog = sources.watchdog;
  return {
    takenAt: new Date().toISOString(),
    host: {
      pid: process.pid,
      uptimeSeconds: process.uptime(),
      node: process.version,
      memory: processMemory(),
      resources: (sources.tracker ?? resources).snapshot(),
      activeHandles: activeHandleCounts(),
    },
    engine: sources.engine,
    engineNote: sources.engine ? undefined : (sources.engineNote ?? 'not available'),
    player: sources.player,
    watchdog: watchdog && {
      running: watchdog.running,
      alarmed: watchdog.isAlarmed,
      thresholdBytesPerMinute: watchdog.thresholdBytesPerMinute,
      rates: watchdog.lastAssessment?.assessments.map((a) => ({ metric: a.metric, bytesPerMinute: a.bytesPerMinute })),
    },
    trace: sources.trace && { events: sources.trace.length, capacity: sources.trace.capacity, dropped: sources.trace.dropped },
  };
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  if (abs >= 2 ** 30) return `${sign}${(abs / 2 ** 30).toFixed(2)} GB`;
  if (abs >= 2 ** 20) return `${sign}${(abs / 2 ** 20).toFixed(1)} MB`;
  if (abs >= 2 ** 10) return `${sign}${(abs / 2 ** 10).toFixed(1)} KB`;
  return `${sign}${abs} B`;
}

/** A real-time factor: `312×`, `4.2×`. */
export function formatSpeed(factor: number): string {
  return `${factor >= 10 ? Math.round(factor) : factor.toFixed(1)}×`;
}

export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** The report as Markdown: tables first (the numbers), then the raw JSON for pasting into an issue. */
export function renderReportMarkdown(report: DiagnosticsReport): string {
  const { host, engine } = report;
  const lines: string[] = [`# Playhead diagnostics`, '', `Taken ${report.takenAt}. Host pid ${host.pid}, Node ${host.node}, up ${formatDuration(host.uptimeSeconds)}.`, ''];
  if (report.player) {
    lines.push(`Player: **${report.player.state}**${report.player.track ? ` — ${report.player.track}` : ''}, ${report.player.queueLength} in the queue.`, '');
  }
  lines.push('## Memory', '');
  const m = host.memory;
  lines.push(
    ...table(
      ['', 'Host', 'Engine'],
      [
        ['Heap used', formatBytes(m.heapUsed), engine ? formatBytes(engine.heapUsedBytes) : '—'],
        ['RSS', formatBytes(m.rss), engine ? formatBytes(engine.rssBytes) : '—'],
        ['External', formatBytes(m.external), engine?.externalBytes === undefined ? '—' : formatBytes(engine.externalBytes)],
        ['ArrayBuffers', formatBytes(m.arrayBuffers), engine?.arrayBuffersBytes === undefined ? '—' : formatBytes(engine.arrayBuffersBytes)],
        ['Uptime', formatDuration(host.uptimeSeconds), engine?.uptimeSeconds === undefined ? '—' : formatDuration(engine.uptimeSeconds)],
      ],
    ),
    '',
  );
  if (!engine) lines.push(`Engine: ${report.engineNote ?? 'not available'}.`, '');
  else {
    lines.push('## Engine', '');
    lines.push(
      ...table(
        ['', ''],
        [
          ['Output', engine.sink],
          ['Pipe depth', `${engine.pipeFrames} frames`],
          ['Underruns', String(engine.underruns)],
          ['Decode speed', engine.decodeSpeed === undefined ? '— (not decoding)' : `${formatSpeed(engine.decodeSpeed)} real time`],
          ['First PCM after play', engine.firstPcmLatencyMs === undefined ? '—' : `${engine.firstPcmLatencyMs.toFixed(1)} ms`],
          ['CPU (user + system)', `${((engine.cpuUserMicros + engine.cpuSystemMicros) / 1e6).toFixed(1)} s`],
          ['Live resources', engine.resources ? Object.entries(engine.resources).map(([k, n]) => `${k} ${n}`).join(', ') || 'none' : '—'],
        ],
      ),
      '',
    );
  }
  lines.push('## Live resources (host)', '');
  const kinds = Object.entries(host.resources.byKind).sort(([a], [b]) => a.localeCompare(b));
  if (kinds.length === 0) lines.push('None registered.', '');
  else lines.push(...table(['Kind', 'Live'], kinds.map(([k, n]) => [k, String(n)])), '');
  const owners = Object.entries(host.resources.byOwner).sort(([a], [b]) => a.localeCompare(b));
  if (owners.length > 0) {
    lines.push(...table(['Owner', 'Live by kind'], owners.map(([o, byKind]) => [o, Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')])), '');
  }
  lines.push(`Registered ${host.resources.created}, released ${host.resources.released} since start.`, '');
  const handles = Object.entries(host.activeHandles).sort(([a], [b]) => a.localeCompare(b));
  lines.push(`Node event-loop handles of the whole host process (all extensions): ${handles.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.`, '');
  if (report.watchdog) {
    const w = report.watchdog;
    const rates = w.rates?.map((r) => `${r.metric} ${formatBytes(r.bytesPerMinute)}/min`).join(', ') ?? 'window not full yet';
    lines.push('## Memory watchdog', '');
    lines.push(`${w.running ? 'On' : 'Off'}${w.alarmed ? ' — **growth detected**' : ''}; threshold ${formatBytes(w.thresholdBytesPerMinute)}/min; last rates: ${rates}.`, '');
  }
  if (report.trace) lines.push(`Trace: ${report.trace.events} of ${report.trace.capacity} events kept, ${report.trace.dropped} dropped.`, '');
  lines.push('## Raw', '', '```json', JSON.stringify(report, null, 2), '```', '');
  return lines.join('\n');
}
