import type { Codec } from './types';

export type ContainerKind = 'wav' | 'flac' | 'mp3' | 'ogg-vorbis' | 'ogg-opus' | 'mp4';

/**
 * Identify the container from its first bytes. Magic bytes win over the extension, so a
 * mislabelled file (an Ogg named .mp3) still opens with the right decoder.
 * `head` should hold at least the first 4 KiB (ID3v2 headers are skipped by the caller).
 */
export function sniffContainer(head: Uint8Array): ContainerKind | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...head.subarray(start, end));
  if (head.length >= 12 && (ascii(0, 4) === 'RIFF' || ascii(0, 4) === 'RF64') && ascii(8, 12) === 'WAVE') return 'wav';
  if (head.length >= 4 && ascii(0, 4) === 'fLaC') return 'flac';
  if (head.length >= 4 && ascii(0, 4) === 'OggS') {
    // The first page holds the codec's identification header.
    const segments = head[26] ?? 0;
    const body = 27 + segments;
    if (ascii(body, body + 8) === 'OpusHead') return 'ogg-opus';
    if (head[body] === 1 && ascii(body + 1, body + 7) === 'vorbis') return 'ogg-vorbis';
    if (ascii(body + 1, body + 5) === 'FLAC') return undefined; // Ogg FLAC: not supported
    return undefined;
  }
  if (head.length >= 8 && ascii(4, 8) === 'ftyp') return 'mp4';
  if (head.length >= 3 && ascii(0, 3) === 'ID3') return 'mp3';
  if (head.length >= 4 && isMpegAudioSync(head, 0)) return 'mp3';
  return undefined;
}

function isMpegAudioSync(b: Uint8Array, i: number): boolean {
  const b1 = b[i + 1]!;
  const b2 = b[i + 2]!;
  return (
    b[i] === 0xff &&
    (b1 & 0xe0) === 0xe0 &&
    ((b1 >> 3) & 3) !== 1 && // version reserved
    ((b1 >> 1) & 3) === 1 && // layer III
    (b2 >> 4) !== 15 &&
    (b2 >> 4) !== 0 &&
    ((b2 >> 2) & 3) !== 3
  );
}

/** Fallback when the bytes say nothing recognisable. */
export function containerFromExtension(path: string): ContainerKind | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  switch (ext) {
    case 'wav':
    case 'wave':
      return 'wav';
    case 'flac':
      return 'flac';
    case 'mp3':
      return 'mp3';
    case 'ogg':
    case 'oga':
      return 'ogg-vorbis';
    case 'opus':
      return 'ogg-opus';
    case 'm4a':
    case 'mp4':
    case 'aac':
      return 'mp4';
    default:
      return undefined;
  }
}

export function codecOf(kind: ContainerKind): Codec {
  switch (kind) {
    case 'ogg-vorbis':
      return 'vorbis';
    case 'ogg-opus':
      return 'opus';
    case 'mp4':
      return 'aac';
    default:
      return kind;
  }
}
