import * as path from 'node:path';
import type { ProcessMemory } from '../diagnostics/host-report';
import type { NetworkSettings } from '../net/opener';
import type { EngineError, EngineState, LoadedTrack, OutputDevice, PositionReport, TrackRef } from './api';
import type { EngineTimings, TimingSpan } from './timings';

/**
 * The one IPC protocol between the host (extension host or CLI) and the engine child process.
 *
 * host → engine: `{ kind: 'request', id, command }`; the engine answers every request with
 * exactly one `{ kind: 'reply', id, ok, result | error }`. engine → host also carries
 * unsolicited `{ kind: 'event', event }`. Both sides validate what they receive with the
 * parsers below and drop (and log) anything malformed instead of trusting the other process.
 */

export const PROTOCOL_VERSION = 1;

/** The wire form of an output device is the API's. */
export type DeviceInfo = OutputDevice;

export type EngineCommand =
  | { readonly type: 'load'; readonly track: TrackRef; readonly startMs?: number; readonly autoplay: boolean }
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  | { readonly type: 'stop' }
  | { readonly type: 'seek'; readonly positionMs: number }
  | { readonly type: 'setVolume'; readonly volume: number }
  | { readonly type: 'preloadNext'; readonly track: TrackRef | undefined }
  | { readonly type: 'listDevices' }
  /** undefined selects the system default device. Takes effect at once (the stream reopens). */
  | { readonly type: 'setDevice'; readonly name: string | undefined }
  | { readonly type: 'shutdown' }
  /** Diagnostics: write a V8 heap snapshot of the engine process into `dir` (absolute). */
  | { readonly type: 'heapSnapshot'; readonly dir: string }
  /** Diagnostics: the engine process's memory, uptime, live resources and stats. `gc` collects garbage first (the soak). */
  | { readonly type: 'diagnostics'; readonly gc?: boolean };

export type EngineCommandType = EngineCommand['type'];

/** What each command resolves with. */
export interface CommandResults {
  load: LoadedTrack;
  play: void;
  pause: void;
  stop: void;
  seek: void;
  setVolume: void;
  preloadNext: void;
  listDevices: DeviceInfo[];
  setDevice: void;
  shutdown: void;
  heapSnapshot: { readonly file: string };
  diagnostics: EngineDiagnostics;
}

export interface EngineStats {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Process CPU time since start, microseconds. */
  readonly cpuUserMicros: number;
  readonly cpuSystemMicros: number;
  /** Frames waiting in the decoder→output pipe. */
  readonly pipeFrames: number;
  readonly underruns: number;
  readonly sink: string;
  /** ms from the last play/load-with-autoplay command to the first PCM handed to the sink. */
  readonly firstPcmLatencyMs: number | undefined;
  /**
   * The decoder being read, in multiples of real time: seconds of audio it decoded per second
   * of wall time spent in its reads. Undefined before its first read.
   */
  readonly decodeSpeed: number | undefined;
}

/** What the engine reports about itself on request (Playhead: Show Diagnostics). */
export interface EngineDiagnostics {
  readonly pid: number;
  readonly uptimeSeconds: number;
  readonly memory: ProcessMemory;
  /** Live tracked resources in the engine process, by kind (src/diagnostics/resource-tracker). */
  readonly resources: Readonly<Record<string, number>>;
  readonly stats: EngineStats;
}

export type EngineEvent =
  | { readonly type: 'ready'; readonly pid: number; readonly protocol: number; readonly sink: string }
  | { readonly type: 'state'; readonly state: EngineState }
  | { readonly type: 'position'; readonly report: PositionReport }
  | { readonly type: 'trackStarted'; readonly loaded: LoadedTrack }
  | { readonly type: 'trackEnded'; readonly trackId: string }
  | { readonly type: 'underrun'; readonly trackId: string | undefined; readonly at: number }
  | { readonly type: 'streamTitle'; readonly trackId: string; readonly title: string }
  | { readonly type: 'buffering'; readonly trackId: string; readonly progress: number }
  | { readonly type: 'error'; readonly error: EngineError }
  /** Once a second, with the decode and output spans since the last one when there are any
   * (one message, not two: every send wakes the host, and costs the engine accordingly). */
  | { readonly type: 'stats'; readonly stats: EngineStats; readonly timings?: EngineTimings }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string }
  /** An output device would not close: PortAudio in this process is spoiled, replace the engine. */
  | { readonly type: 'outputStuck'; readonly message: string };

export interface RequestMessage {
  readonly kind: 'request';
  readonly id: number;
  readonly command: EngineCommand;
}

export type ReplyMessage =
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

export interface EventMessage {
  readonly kind: 'event';
  readonly event: EngineEvent;
}

export type EngineToHostMessage = ReplyMessage | EventMessage;

/** Default reply timeouts (ms). Loading may open a network source and a device. */
export const COMMAND_TIMEOUT_MS: Record<EngineCommandType, number> = {
  load: 15_000,
  play: 5_000,
  pause: 5_000,
  stop: 5_000,
  seek: 10_000,
  setVolume: 2_000,
  preloadNext: 15_000,
  listDevices: 10_000,
  setDevice: 10_000,
  shutdown: 3_000,
  // V8 stops the process while it writes: ~1 s per 100 MB of heap, and the engine's is small.
  heapSnapshot: 60_000,
  diagnostics: 2_000,
};

// ---------------------------------------------------------------------------------------------
// Validation. Hand-written on purpose: the protocol is small and a schema library would be a
// dependency in both bundles.

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isOptNum = (v: unknown): boolean => v === undefined || isNum(v);

/** ReplayGain factors beyond this (+24 dB) are damage, not a quiet recording. */
const MAX_TRACK_GAIN = 16;

export function isTrackRef(value: unknown): value is TrackRef {
  return (
    isObj(value) &&
    isStr(value.id) &&
    isStr(value.uri) &&
    value.uri.length > 0 &&
    (value.gain === undefined || (isNum(value.gain) && value.gain >= 0 && value.gain <= MAX_TRACK_GAIN))
  );
}

/** The fields of a TrackRef, nothing else the message carried. */
function trackRefOf(track: TrackRef): TrackRef {
  return { id: track.id, uri: track.uri, ...(track.gain !== undefined && track.gain !== 1 ? { gain: track.gain } : {}) };
}

function isFormat(value: unknown): boolean {
  return (
    isObj(value) &&
    isStr(value.codec) &&
    isNum(value.sampleRate) &&
    isNum(value.channels) &&
    isOptNum(value.totalFrames) &&
    isOptNum(value.bitsPerSample) &&
    isBool(value.lossless)
  );
}

export function isLoadedTrack(value: unknown): value is LoadedTrack {
  return isObj(value) && isTrackRef(value.track) && isFormat(value.format) && isOptNum(value.durationMs);
}

const STATES: readonly EngineState[] = ['idle', 'loading', 'playing', 'paused', 'starved'];
const ERROR_KINDS: readonly EngineError['kind'][] = ['decode', 'source', 'output', 'crash'];
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Returns the command when `value` is a well-formed one, else a reason. */
export function parseCommand(value: unknown): EngineCommand | string {
  if (!isObj(value) || !isStr(value.type)) return 'command without a type';
  const c = value;
  switch (c.type) {
    case 'load':
      if (!isTrackRef(c.track)) return 'load: bad track';
      if (!isOptNum(c.startMs) || (isNum(c.startMs) && c.startMs < 0)) return 'load: bad startMs';
      if (!isBool(c.autoplay)) return 'load: bad autoplay';
      return { type: 'load', track: trackRefOf(c.track), startMs: c.startMs as number | undefined, autoplay: c.autoplay };
    case 'play':
    case 'pause':
    case 'stop':
    case 'listDevices':
    case 'shutdown':
      return { type: c.type };
    case 'diagnostics':
      if (c.gc !== undefined && !isBool(c.gc)) return 'diagnostics: bad gc';
      return c.gc ? { type: 'diagnostics', gc: true } : { type: 'diagnostics' };
    case 'heapSnapshot':
      // Absolute only: the engine's working directory is nobody's business.
      if (!isStr(c.dir) || !path.isAbsolute(c.dir)) return 'heapSnapshot: dir must be an absolute path';
      return { type: 'heapSnapshot', dir: c.dir };
    case 'seek':
      if (!isNum(c.positionMs) || c.positionMs < 0) return 'seek: bad positionMs';
      return { type: 'seek', positionMs: c.positionMs };
    case 'setVolume':
      if (!isNum(c.volume) || c.volume < 0 || c.volume > 1) return 'setVolume: volume must be 0..1';
      return { type: 'setVolume', volume: c.volume };
    case 'preloadNext':
      if (c.track !== undefined && !isTrackRef(c.track)) return 'preloadNext: bad track';
      return { type: 'preloadNext', track: c.track === undefined ? undefined : trackRefOf(c.track) };
    case 'setDevice':
      if (c.name !== undefined && !isStr(c.name)) return 'setDevice: bad name';
      return { type: 'setDevice', name: c.name };
    default:
      return `unknown command '${String(c.type)}'`;
  }
}

export function parseRequest(value: unknown): RequestMessage | string {
  if (!isObj(value) || value.kind !== 'request') return 'not a request';
  if (!isNum(value.id)) return 'request without a numeric id';
  const command = parseCommand(value.command);
  if (typeof command === 'string') return command;
  return { kind: 'request', id: value.id, command };
}

/** More spans than this in one batch are refused (the engine sends at most 64 a second). */
const MAX_TIMING_SPANS = 1_000;

function isTimingSpan(value: unknown): value is TimingSpan {
  return (
    isObj(value) &&
    (value.kind === 'decode' || value.kind === 'output') &&
    isNum(value.startMs) &&
    isNum(value.durationMs) &&
    isNum(value.calls) &&
    isNum(value.frames) &&
    isNum(value.sampleRate) &&
    isNum(value.busyMs)
  );
}

function isTimings(value: unknown): value is EngineTimings {
  return isObj(value) && isNum(value.dropped) && Array.isArray(value.spans) && value.spans.length <= MAX_TIMING_SPANS && value.spans.every(isTimingSpan);
}

function parseEvent(value: unknown): EngineEvent | string {
  if (!isObj(value) || !isStr(value.type)) return 'event without a type';
  const e = value;
  switch (e.type) {
    case 'ready':
      return isNum(e.pid) && isNum(e.protocol) && isStr(e.sink) ? (e as EngineEvent) : 'bad ready';
    case 'state':
      return STATES.includes(e.state as EngineState) ? (e as EngineEvent) : 'bad state';
    case 'position': {
      const r = e.report;
      return isObj(r) && isStr(r.trackId) && isNum(r.positionMs) && isNum(r.at) && isBool(r.playing)
        ? (e as EngineEvent)
        : 'bad position';
    }
    case 'trackStarted':
      return isLoadedTrack(e.loaded) ? (e as EngineEvent) : 'bad trackStarted';
    case 'trackEnded':
      return isStr(e.trackId) ? (e as EngineEvent) : 'bad trackEnded';
    case 'streamTitle':
      return isStr(e.trackId) && isStr(e.title) ? (e as EngineEvent) : 'bad streamTitle';
    case 'buffering':
      return isStr(e.trackId) && isNum(e.progress) && e.progress >= 0 && e.progress <= 1 ? (e as EngineEvent) : 'bad buffering';
    case 'underrun':
      return (e.trackId === undefined || isStr(e.trackId)) && isNum(e.at) ? (e as EngineEvent) : 'bad underrun';
    case 'error': {
      const err = e.error;
      return isObj(err) &&
        (err.trackId === undefined || isStr(err.trackId)) &&
        ERROR_KINDS.includes(err.kind as EngineError['kind']) &&
        isStr(err.message) &&
        isBool(err.fatalForTrack)
        ? (e as EngineEvent)
        : 'bad error';
    }
    case 'stats': {
      const s = e.stats;
      if (!(isObj(s) && isNum(s.rssBytes) && isNum(s.cpuUserMicros) && isNum(s.cpuSystemMicros) && isStr(s.sink) && isOptNum(s.decodeSpeed))) return 'bad stats';
      return e.timings === undefined || isTimings(e.timings) ? (e as EngineEvent) : 'bad timings';
    }
    case 'log':
      return LOG_LEVELS.includes(e.level as (typeof LOG_LEVELS)[number]) && isStr(e.message) ? (e as EngineEvent) : 'bad log';
    case 'outputStuck':
      return isStr(e.message) ? (e as EngineEvent) : 'bad outputStuck';
    default:
      return `unknown event '${String(e.type)}'`;
  }
}

export function parseEngineMessage(value: unknown): EngineToHostMessage | string {
  if (!isObj(value)) return 'not an object';
  if (value.kind === 'reply') {
    if (!isNum(value.id) || !isBool(value.ok)) return 'bad reply';
    if (value.ok) return { kind: 'reply', id: value.id, ok: true, result: value.result };
    return { kind: 'reply', id: value.id, ok: false, error: isStr(value.error) ? value.error : 'unknown engine error' };
  }
  if (value.kind === 'event') {
    const event = parseEvent(value.event);
    return typeof event === 'string' ? event : { kind: 'event', event };
  }
  return `unknown message kind '${String(value.kind)}'`;
}

/** Command-line options of the engine process (argv), shared by main.ts and the client. */
export interface EngineProcessOptions {
  /** 'auto' (naudiodon, else a command-line player), 'naudiodon', 'null', 'pipe', or 'wav:/abs/file.wav'. */
  readonly sink?: string;
  /** Output device name (naudiodon); default device when absent. */
  readonly device?: string;
  /** Fade applied at pause/resume (ms). 0 turns it off (sample-exact pause, used in tests). */
  readonly pauseFadeMs?: number;
  /** Close a device that needs feeding after this long paused (ms); reopened on play. */
  readonly releaseDeviceAfterPauseMs?: number;
  /** Run the device at this rate and resample every track to it. */
  readonly outputRate?: number;
  /** Proxy and disk cache for http(s) tracks (src/net NetworkSettings), passed as JSON. */
  readonly network?: NetworkSettings;
}

export function engineArgv(options: EngineProcessOptions): string[] {
  const argv: string[] = [];
  if (options.sink !== undefined) argv.push(`--sink=${options.sink}`);
  if (options.device !== undefined) argv.push(`--device=${options.device}`);
  if (options.pauseFadeMs !== undefined) argv.push(`--pause-fade-ms=${options.pauseFadeMs}`);
  if (options.outputRate !== undefined) argv.push(`--output-rate=${options.outputRate}`);
  if (options.releaseDeviceAfterPauseMs !== undefined) argv.push(`--release-device-after-pause-ms=${options.releaseDeviceAfterPauseMs}`);
  if (options.network !== undefined) argv.push(`--network=${JSON.stringify(options.network)}`);
  return argv;
}

export function parseEngineArgv(argv: readonly string[]): EngineProcessOptions {
  const options: { sink?: string; device?: string; pauseFadeMs?: number; releaseDeviceAfterPauseMs?: number; outputRate?: number; network?: NetworkSettings } = {};
  for (const arg of argv) {
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? '' : arg.slice(eq + 1);
    if (key === '--sink') options.sink = value;
    else if (key === '--device') options.device = value;
    else if (key === '--pause-fade-ms' && Number.isFinite(Number(value))) options.pauseFadeMs = Number(value);
    else if (key === '--output-rate' && Number(value) > 0) options.outputRate = Number(value);
    else if (key === '--release-device-after-pause-ms' && Number.isFinite(Number(value))) options.releaseDeviceAfterPauseMs = Number(value);
    else if (key === '--network') options.network = parseNetworkSettings(value);
  }
  return options;
}

/** The --network JSON: only known fields of the right types (a bad value means no proxy/cache, never a crash). */
function parseNetworkSettings(json: string): NetworkSettings | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObj(raw)) return undefined;
  const out: { -readonly [K in keyof NetworkSettings]: NetworkSettings[K] } = {};
  if (isStr(raw.proxy)) out.proxy = raw.proxy;
  if (isStr(raw.proxyAuthorization)) out.proxyAuthorization = raw.proxyAuthorization;
  if (isBool(raw.strictSSL)) out.strictSSL = raw.strictSSL;
  if (isStr(raw.cacheDirectory)) out.cacheDirectory = raw.cacheDirectory;
  if (isNum(raw.cacheMaxBytes) && raw.cacheMaxBytes >= 0) out.cacheMaxBytes = raw.cacheMaxBytes;
  return out;
}
