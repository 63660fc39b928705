import { FileByteSource } from '../decode/byte-source';
import type { ByteSource } from '../decode/types';
import { openHttpSource, type HttpSourceOptions } from './http-source';

export { NetError, type NetErrorReason } from './errors';
export { HttpCache, type HttpCacheOptions, type CacheMeta } from './http-cache';
export { HttpByteSource, openHttpSource, type HttpSourceOptions } from './http-source';
export { parseStreamTitle } from './icy';
export { resolveProxy, type ProxySettings } from './proxy';
export { DEFAULT_CACHE_MAX_BYTES, SourceOpener, type NetworkSettings, type SourceHooks } from './opener';
export { fetchRemotePlaylist, looksLikePlaylistUrl } from './remote-playlist';
export { sniffFormat, type FormatHint } from './sniff';
export type { BufferingState, NetworkSource } from './types';

/** True for the URLs this module plays (anything else is a local path). */
export function isHttpUri(uri: string): boolean {
  return /^https?:\/\//i.test(uri);
}

/** A byte source for a track uri: an http(s) URL through the network layer, else a local file. */
export function openByteSource(uri: string, options: HttpSourceOptions = {}): Promise<ByteSource> {
  return isHttpUri(uri) ? openHttpSource(uri, options) : FileByteSource.open(uri);
}
