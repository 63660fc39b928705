/**
 * Playlist names become file names, so they must be valid on every file system a workspace
 * may travel to: no separators or characters Windows forbids, no control characters, no
 * trailing dots or spaces, no reserved device names, and a bounded length.
 */
// Control characters are forbidden on Windows and break M3U lines; matching them is the point.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
/** Bytes, leaving room for the extension and the temp-file affixes of atomic writes. */
const MAX_NAME_BYTES = 200;

/** A safe file-name stem for `name`, or '' when nothing usable remains. */
export function sanitizePlaylistName(name: string): string {
  let safe = name.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, ' ').trim();
  safe = safe.replace(/[. ]+$/, '');
  // A leading dot would make the playlist hidden (and skipped by scans).
  safe = safe.replace(/^\.+/, '');
  if (WINDOWS_RESERVED.test(safe)) safe = `_${safe}`;
  while (Buffer.byteLength(safe, 'utf8') > MAX_NAME_BYTES) {
    // Cut by code points, never inside a surrogate pair.
    safe = Array.from(safe).slice(0, -1).join('');
  }
  return safe.replace(/[. ]+$/, '');
}
