import type { PlaylistEntry } from './entry';
import { resolveLocation } from './locations';

/**
 * M3U and M3U8 (extended M3U):
 *
 *   #EXTM3U
 *   #EXTINF:215,Artist - Title
 *   ../Music/Artist/01 - Title.flac
 *   https://example.com/stream.mp3
 *
 * `#EXTINF:seconds,text` describes the next location; -1 means unknown. Other `#` lines are
 * kept with the entry they precede so a rewrite preserves them.
 */
export function parseM3u(text: string, playlistDir: string): PlaylistEntry[] {
  const entries: PlaylistEntry[] = [];
  let info: { duration?: number; title?: string } | undefined;
  let directives: string[] = [];
  for (const rawLine of text.split(/\r\n|\n|\r/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (/^#EXTM3U\b/i.test(line)) continue;
      if (/^#EXTINF:/i.test(line)) {
        info = parseExtinf(line.slice('#EXTINF:'.length));
      } else {
        directives.push(line);
      }
      continue;
    }
    entries.push(
      compact({
        location: line,
        ...resolveLocation(line, playlistDir),
        duration: info?.duration,
        title: info?.title,
        directives: directives.length > 0 ? directives : undefined,
      }),
    );
    info = undefined;
    directives = [];
  }
  return entries;
}

/** `215,Artist - Title` or with attributes `215 tvg-id="x",Title`. */
function parseExtinf(rest: string): { duration?: number; title?: string } {
  const comma = findTitleComma(rest);
  const head = comma === -1 ? rest : rest.slice(0, comma);
  const title = comma === -1 ? '' : rest.slice(comma + 1).trim();
  const seconds = Number.parseFloat(head.trim().split(/\s+/)[0] ?? '');
  return {
    duration: Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined,
    title: title === '' ? undefined : title,
  };
}

/** The comma ending the duration/attributes part; commas inside quoted attributes do not count. */
function findTitleComma(rest: string): number {
  let quoted = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) return i;
  }
  return -1;
}

/**
 * Extended M3U text (UTF-8 when written as .m3u8). Durations are whole seconds, as players
 * expect; a title's line breaks become spaces (a line break would start a new entry).
 */
export function formatM3u(entries: readonly PlaylistEntry[]): string {
  const lines = ['#EXTM3U'];
  for (const entry of entries) {
    for (const directive of entry.directives ?? []) lines.push(singleLine(directive));
    if (entry.duration !== undefined || entry.title !== undefined) {
      const seconds = entry.duration === undefined ? -1 : Math.round(entry.duration);
      lines.push(`#EXTINF:${seconds},${singleLine(entry.title ?? '')}`);
    }
    const location = singleLine(entry.location);
    // Never let a location read back as a comment (locationFor already avoids this).
    lines.push(location.startsWith('#') ? `./${location}` : location);
  }
  return `${lines.join('\n')}\n`;
}

function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

/** Drop undefined fields, so parsed entries compare equal with `deepStrictEqual`. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}
