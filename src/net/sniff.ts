import { sniffContainer, type ContainerKind } from '../decode/sniff';

/** What a response most likely holds, to pick a decoder or tell the user it is not audio. */
export type FormatHint =
  | { readonly kind: 'audio'; readonly container: ContainerKind | undefined }
  | { readonly kind: 'playlist'; readonly format: 'm3u' | 'pls' }
  | { readonly kind: 'not-audio'; readonly contentType: string };

const AUDIO_TYPES: Readonly<Record<string, ContainerKind | undefined>> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mpeg3': 'mp3',
  'audio/x-mpeg': 'mp3',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mp4': 'mp4',
  'audio/x-m4a': 'mp4',
  'audio/m4a': 'mp4',
  'video/mp4': 'mp4',
  'audio/opus': 'ogg-opus',
  // Ogg may hold Vorbis or Opus: the bytes decide.
  'audio/ogg': undefined,
  'application/ogg': undefined,
  // Raw ADTS AAC has no container the decoders know; the bytes decide (usually unsupported).
  'audio/aac': undefined,
  'audio/aacp': undefined,
};

const PLAYLIST_TYPES: Readonly<Record<string, 'm3u' | 'pls'>> = {
  'audio/x-mpegurl': 'm3u',
  'audio/mpegurl': 'm3u',
  'application/x-mpegurl': 'm3u',
  'application/vnd.apple.mpegurl': 'm3u',
  'audio/x-scpls': 'pls',
  'application/pls+xml': 'pls',
};

/**
 * Magic bytes first (servers mislabel audio, most often as application/octet-stream), then
 * the Content-Type. A playlist or an HTML page is reported as such, so the caller can
 * follow the playlist or say "this URL is a web page, not a stream".
 */
export function sniffFormat(contentType: string | undefined, head: Uint8Array | undefined): FormatHint {
  const container = head && head.length > 0 ? sniffContainer(head) : undefined;
  if (container) return { kind: 'audio', container };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const playlist = PLAYLIST_TYPES[type] ?? playlistFromText(head);
  if (playlist) return { kind: 'playlist', format: playlist };
  if (type in AUDIO_TYPES) return { kind: 'audio', container: AUDIO_TYPES[type] };
  if (type.startsWith('text/') || type.includes('html') || type.includes('json') || type.includes('xml')) return { kind: 'not-audio', contentType: type };
  return { kind: 'audio', container: undefined };
}

function playlistFromText(head: Uint8Array | undefined): 'm3u' | 'pls' | undefined {
  if (!head) return undefined;
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 64)).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (text.startsWith('#EXTM3U')) return 'm3u';
  if (/^\[playlist\]/i.test(text)) return 'pls';
  return undefined;
}
