import type { HistoryEntry } from './history';
import { repeatModes, RepeatMode } from './play-order';
import type { StateStore } from './store';
import { parseTrack, QueueItem, Track } from './track';

/**
 * What the player stores, and the validation that makes loading it safe. Everything read back
 * is untrusted (older versions, hand edits, a half-written file from another tool): anything
 * that does not check out is dropped with a log line, and loading never throws.
 */

export const storageKeys = {
  session: 'playhead.player.session',
  /** Apart from the session: it changes every few seconds, the (possibly long) queue does not. */
  position: 'playhead.player.position',
  history: 'playhead.player.history',
  favorites: 'playhead.player.favorites',
} as const;

const sessionFormat = 1;

export interface SavedSession {
  readonly format: typeof sessionFormat;
  readonly queue: readonly QueueItem[];
  readonly currentIndex: number;
  readonly volume: number;
  readonly muted: boolean;
  readonly shuffle: boolean;
  readonly repeat: RepeatMode;
  /** The shuffle cycle as item ids, so a reload continues the same cycle. */
  readonly shuffleCycle?: readonly string[];
  readonly shufflePosition?: number;
}

export type SessionFields = Omit<SavedSession, 'format'>;

export type Log = (message: string) => void;

export function serializeSession(fields: SessionFields): SavedSession {
  return { format: sessionFormat, ...fields };
}

export function loadSession(store: StateStore, log: Log): SessionFields | undefined {
  const raw = readKey(store, storageKeys.session, log);
  if (raw === undefined) {
    return undefined;
  }
  const problem = (what: string) => {
    log(`Ignoring stored player session: ${what}`);
    return undefined;
  };
  if (!isRecord(raw)) {
    return problem('not an object');
  }
  if (raw.format !== sessionFormat) {
    return problem(`unknown format ${JSON.stringify(raw.format)}`);
  }
  if (!Array.isArray(raw.queue)) {
    return problem('queue is not a list');
  }
  const queue: QueueItem[] = [];
  const seenIds = new Set<string>();
  const savedIndex = typeof raw.currentIndex === 'number' && Number.isInteger(raw.currentIndex) ? raw.currentIndex : -1;
  let currentIndex = -1;
  let dropped = 0;
  raw.queue.forEach((entry: unknown, index: number) => {
    const track = isRecord(entry) ? parseTrack(entry.track) : undefined;
    const id = isRecord(entry) && typeof entry.id === 'string' ? entry.id : undefined;
    if (track === undefined || id === undefined || seenIds.has(id)) {
      dropped++;
      return;
    }
    if (index === savedIndex) {
      currentIndex = queue.length;
    }
    seenIds.add(id);
    queue.push({ id, track });
  });
  if (dropped > 0) {
    log(`Ignoring ${dropped} malformed item(s) of the stored queue`);
  }
  const volume = finiteAtLeastZero(raw.volume);
  const fields: SessionFields = {
    queue,
    currentIndex,
    volume: volume === undefined ? 1 : Math.min(1, volume),
    muted: raw.muted === true,
    shuffle: raw.shuffle === true,
    repeat: repeatModes.includes(raw.repeat as RepeatMode) ? (raw.repeat as RepeatMode) : 'off',
  };
  if (Array.isArray(raw.shuffleCycle) && raw.shuffleCycle.every((id) => typeof id === 'string') && typeof raw.shufflePosition === 'number') {
    return { ...fields, shuffleCycle: raw.shuffleCycle as string[], shufflePosition: raw.shufflePosition };
  }
  return fields;
}

export interface SavedPosition {
  /** The queue item the position belongs to; a position for another item is ignored. */
  readonly itemId: string | undefined;
  readonly positionMs: number;
}

export function serializePosition(itemId: string | undefined, positionMs: number): SavedPosition {
  return { itemId, positionMs: Math.max(0, Math.round(positionMs)) };
}

export function loadPosition(store: StateStore, log: Log): SavedPosition | undefined {
  const raw = readKey(store, storageKeys.position, log);
  if (raw === undefined) {
    return undefined;
  }
  const positionMs = isRecord(raw) ? finiteAtLeastZero(raw.positionMs) : undefined;
  if (!isRecord(raw) || positionMs === undefined || (raw.itemId !== undefined && typeof raw.itemId !== 'string')) {
    log('Ignoring stored playback position: malformed');
    return undefined;
  }
  return { itemId: raw.itemId as string | undefined, positionMs };
}

export function loadHistory(store: StateStore, log: Log): HistoryEntry[] {
  const raw = readKey(store, storageKeys.history, log);
  if (raw === undefined) {
    return [];
  }
  if (!Array.isArray(raw)) {
    log('Ignoring stored play history: not a list');
    return [];
  }
  const entries: HistoryEntry[] = [];
  for (const entry of raw as unknown[]) {
    const track = isRecord(entry) ? parseTrack(entry.track) : undefined;
    const playedAt = isRecord(entry) ? finiteAtLeastZero(entry.playedAt) : undefined;
    if (track && playedAt !== undefined) {
      entries.push({ track, playedAt });
    }
  }
  if (entries.length !== raw.length) {
    log(`Ignoring ${raw.length - entries.length} malformed play history entries`);
  }
  return entries;
}

export function loadFavorites(store: StateStore, log: Log): Track[] {
  const raw = readKey(store, storageKeys.favorites, log);
  if (raw === undefined) {
    return [];
  }
  if (!Array.isArray(raw)) {
    log('Ignoring stored favorites: not a list');
    return [];
  }
  const tracks = (raw as unknown[]).map(parseTrack).filter((track): track is Track => track !== undefined);
  if (tracks.length !== raw.length) {
    log(`Ignoring ${raw.length - tracks.length} malformed favorites`);
  }
  return tracks;
}

/** A store whose `get` throws (a broken Memento, a getter) counts as empty. */
function readKey(store: StateStore, key: string, log: Log): unknown {
  try {
    return store.get<unknown>(key);
  } catch (error) {
    log(`Ignoring stored ${key}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteAtLeastZero(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
