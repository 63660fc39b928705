/** Leak-freedom and diagnostics: plain Node, shared by the extension host, the engine and the CLI. */
export { ResourceTracker, resources, diffByKind } from './resource-tracker';
export type { ResourceKind, ResourceSnapshot, LiveResource } from './resource-tracker';
export {
  trackedTimeout,
  trackedInterval,
  trackedTimers,
  trackEmitterResource,
  trackChildProcess,
  trackSocket,
  trackServer,
  trackStream,
  trackDisposable,
  trackedDecoderOpener,
  trackWebview,
  trackedListener,
  countEmitterSubscriptions,
} from './tracked';
export { countEmitterListeners } from './listener-census';
export { MemoryWatchdog, defaultGrowthThresholdBytesPerMinute } from './memory-watchdog';
export type { MemoryWatchdogOptions, GrowthReport, MetricAssessment, MemoryMetric, MemoryReading, MemorySample } from './memory-watchdog';
export { theilSenSlope, median } from './theil-sen';
export { Trace, chromeTraceProblems, traceEventProblems } from './trace';
export type { TraceEvent, TraceLane, TraceSpan, ChromeTrace } from './trace';
export { traceMethods } from './trace-methods';
export { attachPlayerTrace, attachEngineTrace, hostLanes, engineLanes } from './player-trace';
export type { ObservableEngine } from './player-trace';
export { writeHeapSnapshot, collectGarbage } from './heap-snapshot';
export { collectReport, renderReportMarkdown, engineReport, processMemory, activeHandleCounts, formatBytes, formatDuration, formatSpeed } from './host-report';
export type { DiagnosticsReport, EngineReport, ProcessMemory } from './host-report';
