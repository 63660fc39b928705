import { FileByteSource } from '../decode/byte-source';
import type { ByteSource } from '../decode/types';
import { NetError, redactUrl } from './errors';
import { HttpCache } from './http-cache';
import { openHttpSource, type HttpSourceOptions } from './http-source';
import type { ProxySettings } from './proxy';
import { fetchRemotePlaylist, looksLikePlaylistUrl } from './remote-playlist';
import type { BufferingState, NetworkSource } from './types';

/**
 * What the glue knows about the network, in plain data (it crosses to the engine process
 * as JSON): VS Code's http.proxy / http.proxyAuthorization / http.proxyStrictSSL, and the
 * cache folder (the extension's globalStorage) with its size limit setting.
 */
export interface NetworkSettings extends ProxySettings {
  readonly cacheDirectory?: string;
  /** Default 512 MiB; 0 disables the cache. */
  readonly cacheMaxBytes?: number;
}

/** Per-track listeners: the engine knows which track a source belongs to, the source does not. */
export interface SourceHooks {
  readonly onTitle?: (title: string) => void;
  readonly onBuffering?: (state: BufferingState) => void;
}

export const DEFAULT_CACHE_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Opens the byte source for a track uri: a local path as a file, an http(s) URL through the
 * cache and the network (a station link to a .pls/.m3u plays its first entry). Listeners
 * given as hooks live exactly as long as the source (its emitters die with it).
 */
export class SourceOpener {
  private cache: HttpCache | undefined;
  private options: HttpSourceOptions = {};

  constructor(settings: NetworkSettings = {}, private readonly extra: HttpSourceOptions = {}) {
    this.update(settings);
  }

  /** Settings changed (the user edited http.proxy or the cache size): applies to later opens. */
  update(settings: NetworkSettings): void {
    const max = settings.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.cache = settings.cacheDirectory && max > 0 ? new HttpCache({ directory: settings.cacheDirectory, maxBytes: max, ...(this.extra.log ? { log: this.extra.log } : {}) }) : undefined;
    // A lowered limit applies now, not at the next download.
    void this.cache?.evict();
    const { cacheDirectory: _dir, cacheMaxBytes: _max, ...proxy } = settings;
    this.options = { ...this.extra, ...proxy, ...(this.cache ? { cache: this.cache } : {}) };
  }

  async open(uri: string, hooks: SourceHooks = {}): Promise<ByteSource> {
    if (!/^https?:\/\//i.test(uri)) return FileByteSource.open(uri);
    const target = looksLikePlaylistUrl(uri) ? await this.firstEntry(uri) : uri;
    let source: NetworkSource = await openHttpSource(target, this.options);
    // What the server says it sent, checked against the first bytes: a playlist behind an
    // audio-looking link is followed once; a web page is named as such, not "unknown format".
    const hint = await source.formatHint().catch(() => undefined);
    if (hint?.kind === 'playlist' && target === uri) {
      source.dispose();
      source = await openHttpSource(await this.firstEntry(uri), this.options);
    } else if (hint?.kind === 'not-audio') {
      source.dispose();
      throw new NetError('bad-url', `${redactUrl(target)}: the server sent ${hint.contentType}, not audio (a web page rather than a stream?)`);
    }
    if (hooks.onTitle) {
      source.onDidChangeTitle(hooks.onTitle);
      // A title the format check's read already reached was announced before anyone listened.
      if (source.title !== undefined) hooks.onTitle(source.title);
    }
    if (hooks.onBuffering) source.onDidChangeBuffering(hooks.onBuffering);
    return source;
  }

  private async firstEntry(playlistUri: string): Promise<string> {
    const first = (await fetchRemotePlaylist(playlistUri, this.options)).find((entry) => entry.url && /^https?:\/\//i.test(entry.url));
    if (!first?.url) throw new NetError('bad-url', `${redactUrl(playlistUri)}: the playlist has no http(s) stream in it`);
    return first.url;
  }
}
