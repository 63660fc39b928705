import { FileByteSource } from '../decode/byte-source';
import type { ByteSource } from '../decode/types';
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
    let target = uri;
    if (looksLikePlaylistUrl(uri)) {
      const first = (await fetchRemotePlaylist(uri, this.options)).find((entry) => entry.url && /^https?:\/\//i.test(entry.url));
      if (first?.url) target = first.url;
    }
    const source: NetworkSource = await openHttpSource(target, this.options);
    if (hooks.onTitle) source.onDidChangeTitle(hooks.onTitle);
    if (hooks.onBuffering) source.onDidChangeBuffering(hooks.onBuffering);
    return source;
  }
}
