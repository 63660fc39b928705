/**
 * The one message protocol between the extension host and the player webview.
 * Imported by both sides (host: src/vscode, browser: webview/) and validated on receipt.
 *
 * Lifecycle: the webview posts `ready` once its script runs; the host answers with `state`
 * and `queue` (the full picture), then streams `state`, `position` and `queue` as they change.
 * Whenever the view becomes visible again the webview posts `ready` again and gets it all anew.
 * Requests from the webview carry an `id`; the host answers each with a `reply` of that id.
 */
import {
  isArrayOf,
  isBoolean,
  isFiniteNumber,
  isInteger,
  isObject,
  isOneOf,
  isOptional,
  isRecord,
  isString,
  Validator,
} from './validate';

export const PLAYBACK_STATES = ['stopped', 'playing', 'paused', 'buffering'] as const;
export type PlaybackState = (typeof PLAYBACK_STATES)[number];

export const REPEAT_MODES = ['off', 'all', 'one'] as const;
export type RepeatMode = (typeof REPEAT_MODES)[number];

export interface ViewTrack {
  readonly id: string;
  readonly title: string;
  readonly artist: string | undefined;
  readonly album: string | undefined;
  readonly durationMs: number | undefined;
  /** A webview-safe URI for the cover image, when the track has one. */
  readonly coverUri: string | undefined;
  readonly favorite: boolean;
}

export interface ViewState {
  /** Increases with every change, so the view can ignore stale updates. */
  readonly version: number;
  readonly state: PlaybackState;
  readonly track: ViewTrack | undefined;
  readonly currentIndex: number;
  readonly positionMs: number;
  /** Date.now() on the host when positionMs was measured (for smooth interpolation). */
  readonly positionAt: number;
  readonly durationMs: number | undefined;
  readonly volume: number;
  readonly muted: boolean;
  readonly shuffle: boolean;
  readonly repeat: RepeatMode;
  readonly error: string | undefined;
  readonly queueVersion: number;
  /** What a stream (internet radio) says is on now (ICY StreamTitle); `track.title` is then the station. */
  readonly streamTitle: string | undefined;
  /** While `state` is 'buffering': how far towards playing on, 0..1. */
  readonly bufferingProgress: number | undefined;
}

/** "Buffering… 40 %": the one wording of the Buffering state, for every view (panel, status bar, CLI). */
export function bufferingLabel(progress: number | undefined): string {
  return progress === undefined ? 'Buffering…' : `Buffering… ${Math.round(Math.min(1, Math.max(0, progress)) * 100)} %`;
}

export interface QueueItem {
  readonly id: string;
  readonly title: string;
  readonly artist: string | undefined;
  readonly album: string | undefined;
  readonly durationMs: number | undefined;
}

// ---- host → webview ------------------------------------------------------------------------

export type HostMessage =
  | { readonly type: 'state'; readonly state: ViewState }
  | { readonly type: 'position'; readonly positionMs: number; readonly positionAt: number; readonly playing: boolean }
  | { readonly type: 'queue'; readonly version: number; readonly items: readonly QueueItem[] }
  | { readonly type: 'reply'; readonly id: number; readonly ok: boolean; readonly error: string | undefined };

// ---- webview → host ------------------------------------------------------------------------

export type PlayerCommand =
  | { readonly command: 'toggle' }
  | { readonly command: 'play' }
  | { readonly command: 'pause' }
  | { readonly command: 'stop' }
  | { readonly command: 'next' }
  | { readonly command: 'previous' }
  | { readonly command: 'seek'; readonly positionMs: number }
  | { readonly command: 'setVolume'; readonly volume: number }
  | { readonly command: 'toggleMute' }
  | { readonly command: 'toggleShuffle' }
  | { readonly command: 'cycleRepeat' }
  | { readonly command: 'toggleFavorite' }
  | { readonly command: 'playIndex'; readonly index: number }
  | { readonly command: 'removeIndex'; readonly index: number }
  /** Moves the queue item at `from` so that it ends up at index `to` (indices into the whole queue). */
  | { readonly command: 'move'; readonly from: number; readonly to: number }
  | { readonly command: 'playFolder' };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | ({ readonly type: 'command'; readonly id: number } & PlayerCommand)
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string };

// ---- validation ------------------------------------------------------------------------------

const isIndex = (v: unknown): v is number => isInteger(v) && v >= 0;
const isUnit = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;

/** Each command's arguments and their checks; only these fields reach the host. */
const commandArgs: { readonly [K in PlayerCommand['command']]: Readonly<Record<string, Validator<unknown>>> } = {
  toggle: {},
  play: {},
  pause: {},
  stop: {},
  next: {},
  previous: {},
  seek: { positionMs: (v): v is number => isFiniteNumber(v) && v >= 0 },
  setVolume: { volume: isUnit },
  toggleMute: {},
  toggleShuffle: {},
  cycleRepeat: {},
  toggleFavorite: {},
  playIndex: { index: isIndex },
  removeIndex: { index: isIndex },
  move: { from: isIndex, to: isIndex },
  playFolder: {},
};

function hasOwn(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'log':
      return isOneOf(['info', 'warn', 'error'] as const)(value.level) && isString(value.message)
        ? { type: 'log', level: value.level, message: value.message.slice(0, 2000) }
        : undefined;
    case 'command': {
      const name = value.command;
      if (!isString(name) || !hasOwn(commandArgs, name) || !isIndex(value.id)) return undefined;
      // Rebuilt from the checked fields only: stray fields from the view never reach the host.
      const message: Record<string, unknown> = { type: 'command', id: value.id, command: name };
      for (const [key, check] of Object.entries(commandArgs[name as PlayerCommand['command']])) {
        if (!check(value[key])) return undefined;
        message[key] = value[key];
      }
      return message as unknown as WebviewMessage;
    }
    default:
      return undefined;
  }
}

const isViewTrack = isObject<ViewTrack>({
  id: isString,
  title: isString,
  artist: isOptional(isString),
  album: isOptional(isString),
  durationMs: isOptional(isFiniteNumber),
  coverUri: isOptional(isString),
  favorite: isBoolean,
});

const isViewState = isObject<ViewState>({
  version: isInteger,
  state: isOneOf(PLAYBACK_STATES),
  track: isOptional(isViewTrack),
  currentIndex: isInteger,
  positionMs: isFiniteNumber,
  positionAt: isFiniteNumber,
  durationMs: isOptional(isFiniteNumber),
  volume: isUnit,
  muted: isBoolean,
  shuffle: isBoolean,
  repeat: isOneOf(REPEAT_MODES),
  error: isOptional(isString),
  queueVersion: isInteger,
  streamTitle: isOptional(isString),
  bufferingProgress: isOptional(isUnit),
});

const isQueueItem = isObject<QueueItem>({
  id: isString,
  title: isString,
  artist: isOptional(isString),
  album: isOptional(isString),
  durationMs: isOptional(isFiniteNumber),
});

export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'state':
      return isViewState(value.state) ? (value as unknown as HostMessage) : undefined;
    case 'position':
      return isFiniteNumber(value.positionMs) && isFiniteNumber(value.positionAt) && isBoolean(value.playing)
        ? (value as unknown as HostMessage)
        : undefined;
    case 'queue':
      return isInteger(value.version) && isArrayOf(isQueueItem)(value.items) ? (value as unknown as HostMessage) : undefined;
    case 'reply':
      return isIndex(value.id) && isBoolean(value.ok) && isOptional(isString)(value.error)
        ? (value as unknown as HostMessage)
        : undefined;
    default:
      return undefined;
  }
}
