import type { PlaylistEntry } from '../library/playlists/entry';
import { parseM3u } from '../library/playlists/m3u';
import { parsePls } from '../library/playlists/pls';
import { decodePlaylistText } from '../library/playlists/text-encoding';
import { NetError, redactUrl } from './errors';
import { requestFollowingRedirects } from './redirects';
import type { HttpSourceOptions } from './http-source';
import { sniffFormat } from './sniff';

/** Playlists a station links to are tiny; anything bigger is not one. */
const MAX_PLAYLIST_BYTES = 256 * 1024;

/** A URL whose path looks like a playlist (most station links are .pls or .m3u). */
export function looksLikePlaylistUrl(uri: string): boolean {
  try {
    return /\.(m3u8?|pls)$/i.test(new URL(uri).pathname);
  } catch {
    return false;
  }
}

/**
 * Fetch a remote M3U/M3U8/PLS and return its entries, relative locations resolved against
 * the playlist's URL. HLS media playlists (#EXT-X-…) are not radio playlists and are refused.
 */
export async function fetchRemotePlaylist(uri: string, options: HttpSourceOptions = {}): Promise<PlaylistEntry[]> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new NetError('bad-url', `${redactUrl(uri)}: not a valid URL`);
  }
  const { response, url: finalUrl } = await requestFollowingRedirects(
    url,
    { ...options, connectTimeoutMs: options.connectTimeoutMs ?? 10_000, headers: { 'Accept-Encoding': 'identity', ...options.headers } },
    options.maxRedirects,
  );
  const parts: Buffer[] = [];
  let total = 0;
  const body = await new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      response.destroy();
      reject(new NetError('stalled', `${redactUrl(uri)}: the playlist did not arrive within ${options.stallTimeoutMs ?? 15_000} ms`));
    }, options.stallTimeoutMs ?? 15_000);
    response.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > MAX_PLAYLIST_BYTES) {
        clearTimeout(timer);
        response.destroy();
        reject(new NetError('http-status', `${redactUrl(uri)}: more than ${MAX_PLAYLIST_BYTES} bytes: not a playlist`));
        return;
      }
      parts.push(chunk);
    });
    response.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(parts));
    });
    response.on('error', (error) => {
      clearTimeout(timer);
      reject(new NetError('connection', `${redactUrl(uri)}: ${error.message}`));
    });
  });
  const hint = sniffFormat(String(response.headers['content-type'] ?? ''), body);
  const format = hint.kind === 'playlist' ? hint.format : /\.pls$/i.test(finalUrl.pathname) ? 'pls' : 'm3u';
  const text = decodePlaylistText(body, format === 'm3u' && /\.m3u8$/i.test(finalUrl.pathname));
  if (/^#EXT-X-/m.test(text)) throw new NetError('bad-url', `${redactUrl(uri)}: an HLS playlist; HLS streams are not supported`);
  // Parsed against a dummy folder, then every non-URL location is resolved against the URL instead.
  const entries = format === 'pls' ? parsePls(text, '/') : parseM3u(text, '/');
  return entries.map((entry) => {
    if (entry.url) return entry;
    const { path: _path, ...rest } = entry;
    return { ...rest, url: new URL(entry.location.replace(/\\/g, '/'), finalUrl).href };
  });
}
