import type { PlaylistEntry } from './entry';
import { resolveLocation } from './locations';
import { compact } from './m3u';

/**
 * PLS (Winamp/Shoutcast):
 *
 *   [playlist]
 *   File1=Music/a.mp3
 *   Title1=Artist - Title
 *   Length1=215
 *   NumberOfEntries=1
 *   Version=2
 *
 * Keys are case-insensitive; entries are ordered by their number, gaps allowed.
 */
export function parsePls(text: string, playlistDir: string): PlaylistEntry[] {
  const byIndex = new Map<number, { file?: string; title?: string; length?: number }>();
  for (const rawLine of text.split(/\r\n|\n|\r/)) {
    const line = rawLine.trim();
    // `s`: a title may contain U+2028/U+2029, which `.` would not match otherwise.
    const match = /^(file|title|length)(\d+)\s*=(.*)$/is.exec(line);
    if (!match) continue;
    const index = Number(match[2]);
    const value = match[3]!.trim();
    const slot = byIndex.get(index) ?? {};
    const key = match[1]!.toLowerCase();
    if (key === 'file') slot.file = value;
    else if (key === 'title') slot.title = value === '' ? undefined : value;
    else {
      const seconds = Number.parseFloat(value);
      slot.length = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
    }
    byIndex.set(index, slot);
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([, slot]) => slot.file !== undefined && slot.file !== '')
    .map(([, slot]) =>
      compact({ location: slot.file!, ...resolveLocation(slot.file!, playlistDir), duration: slot.length, title: slot.title }),
    );
}

export function formatPls(entries: readonly PlaylistEntry[]): string {
  const lines = ['[playlist]'];
  entries.forEach((entry, i) => {
    const n = i + 1;
    lines.push(`File${n}=${oneLine(entry.location)}`);
    if (entry.title !== undefined) lines.push(`Title${n}=${oneLine(entry.title)}`);
    lines.push(`Length${n}=${entry.duration === undefined ? -1 : Math.round(entry.duration)}`);
  });
  lines.push(`NumberOfEntries=${entries.length}`, 'Version=2');
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}
