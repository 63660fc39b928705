import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

type PathApi = typeof nodePath.posix;

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Where a playlist line points. `pathApi` defaults to the platform's; tests pass
 * `path.win32` to check Windows behaviour on Linux.
 */
export function resolveLocation(location: string, playlistDir: string, pathApi: PathApi = nodePath): { path?: string; url?: string } {
  if (URL_SCHEME.test(location)) {
    if (/^file:\/\//i.test(location)) {
      try {
        return { path: fileURLToPath(location, { windows: pathApi === nodePath.win32 }) };
      } catch {
        return { url: location };
      }
    }
    return { url: location };
  }
  // Playlists written on Windows use backslashes; read them as separators everywhere (a
  // POSIX file name containing a backslash cannot be referenced, a rare cost).
  const normalised = pathApi === nodePath.win32 ? location : location.replace(/\\/g, '/');
  return { path: pathApi.resolve(playlistDir, normalised) };
}

/**
 * How to write `filePath` in a playlist stored in `playlistDir`: relative with `/`
 * separators where possible (portable across machines and operating systems), absolute when
 * no relative path exists (another Windows drive).
 */
export function locationFor(filePath: string, playlistDir: string, pathApi: PathApi = nodePath): string {
  const relative = pathApi.relative(playlistDir, filePath);
  if (relative === '' || pathApi.isAbsolute(relative)) return filePath;
  const portable = pathApi === nodePath.win32 ? relative.replace(/\\/g, '/') : relative;
  // A line starting with '#' is a comment in M3U: "#1 Hit.mp3" must be written "./#1 Hit.mp3".
  return portable.startsWith('#') ? `./${portable}` : portable;
}
