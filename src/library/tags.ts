import { parseFromTokenizer, type IAudioMetadata, type IOptions, type IPicture } from 'music-metadata';
import { BlockFileTokenizer } from './block-file-tokenizer';
import type { ReadPacer } from './read-pacer';
import type { ReplayGain, TrackTags } from './types';

/**
 * Reads what a file's tags say (no filename guesses: see `withPathFallbacks`). Injectable so
 * tests and benchmarks can count or fake tag reads. Throws for files it cannot read.
 */
export type TagReader = (filePath: string, known?: KnownFileInfo) => Promise<TrackTags>;

/** What the caller already knows about the file (saves a system call per file), and how to read it. */
export interface KnownFileInfo {
  readonly size?: number;
  /** Lets the read use synchronous file calls while they are fast (a scan passes its own; see read-pacer.ts). */
  readonly pacer?: ReadPacer;
}

export interface TagReaderOptions {
  /**
   * Also learn whether the file embeds a picture (`hasCover`). That means parsing with
   * `skipCovers: false`: music-metadata's `skipCovers` drops picture frames without a trace.
   * Default false, so scans skip covers: measured here on files with 100 KB covers, reading
   * them costs 20-30% more CPU per file (MP3 and FLAC alike). Covers are meant to be read
   * lazily anyway (`readCover` / `CoverCache`), which also answers "has it one?".
   */
  readonly detectCovers?: boolean;
}

/** A music-metadata reader; duration only where cheap (see below). */
export function createTagReader(options: TagReaderOptions = {}): TagReader {
  const skipCovers = !options.detectCovers;
  return async (filePath, known) => {
    // `duration: false`: MP3 (Xing/CBR), FLAC, WAV and MP4 give it from headers; Ogg would
    // need a read of the whole file, which a library scan cannot afford.
    const metadata = await parseTagsTrustingContent(filePath, { skipCovers, duration: false }, known);
    const tags = tagsFromMetadata(metadata);
    if (!skipCovers) return tags;
    const { hasCover: _unknown, ...rest } = tags;
    return rest;
  };
}

/** The default reader for scans: tags and cheap duration; covers skipped (`hasCover` unknown). */
export const readTags: TagReader = createTagReader();

/**
 * music-metadata's parseFile, but through a block-reading tokenizer: the same parsers, far
 * fewer file reads (see block-file-tokenizer.ts).
 */
export async function parseTags(filePath: string, options: IOptions, known: KnownFileInfo = {}, identifyByContent = false): Promise<IAudioMetadata> {
  const tokenizer = await BlockFileTokenizer.open(filePath, known.size, { identifyByContent, pacer: known.pacer });
  try {
    return await parseFromTokenizer(tokenizer, options);
  } finally {
    await tokenizer.close();
  }
}

/**
 * music-metadata chooses its parser by file extension. A file with the wrong extension (an
 * Ogg file named .mp3) then fails, or "parses" as nothing (no tags, no duration). In those
 * cases only, parse again letting the content decide (as the decoder does: magic bytes win).
 */
async function parseTagsTrustingContent(filePath: string, options: IOptions, known?: KnownFileInfo): Promise<IAudioMetadata> {
  let byName: IAudioMetadata;
  try {
    byName = await parseTags(filePath, options, known);
  } catch (error) {
    try {
      return await parseTags(filePath, options, known, true);
    } catch {
      throw error; // the first reason is the one that names the expected format
    }
  }
  if (byName.format.duration !== undefined || Object.keys(byName.native).length > 0) return byName;
  try {
    const byContent = await parseTags(filePath, options, known, true);
    if (byContent.format.duration !== undefined || Object.keys(byContent.native).length > 0) return byContent;
  } catch {
    // Keep what the extension's parser found.
  }
  return byName;
}

export function tagsFromMetadata(metadata: IAudioMetadata): TrackTags {
  const { common, format } = metadata;
  if (format.hasAudio === false || (!format.sampleRate && !format.duration && !format.codec)) {
    // music-metadata is lenient: arbitrary bytes named .mp3 can "parse" with nothing found.
    throw new Error('no audio stream found');
  }
  const replayGain: ReplayGain = stripUndefined({
    trackGain: common.replaygain_track_gain?.dB ?? format.trackGain,
    trackPeak: common.replaygain_track_peak?.ratio ?? format.trackPeakLevel,
    albumGain: common.replaygain_album_gain?.dB ?? format.albumGain,
    albumPeak: common.replaygain_album_peak?.ratio,
  });
  const genre = common.genre?.map((g) => text(g)).filter((g): g is string => g !== undefined);
  return stripUndefined({
    title: text(common.title),
    artist: text(common.artist) ?? text(common.artists?.join(', ')),
    album: text(common.album),
    albumArtist: text(common.albumartist),
    trackNumber: positive(common.track.no),
    trackTotal: positive(common.track.of),
    discNumber: positive(common.disk.no),
    discTotal: positive(common.disk.of),
    year: positive(common.year),
    genre: genre && genre.length > 0 ? genre : undefined,
    duration: finitePositive(format.duration),
    replayGain: Object.keys(replayGain).length > 0 ? replayGain : undefined,
    hasCover: hasPictureTag(metadata),
    codec: nonEmpty(format.codec),
    sampleRate: finitePositive(format.sampleRate),
    channels: finitePositive(format.numberOfChannels),
    bitrate: finitePositive(format.bitrate),
    lossless: format.lossless,
  }) as TrackTags;
}

export interface CoverArt {
  /** MIME type, e.g. image/jpeg. */
  readonly format: string;
  readonly data: Uint8Array;
}

/**
 * The embedded cover (the front cover if several pictures), or undefined. A separate, full
 * parse: scans skip pictures, so covers cost nothing until a UI actually shows one.
 */
export async function readCover(filePath: string): Promise<CoverArt | undefined> {
  const metadata = await parseTags(filePath, { skipCovers: false, duration: false });
  const picture = pickCover(metadata.common.picture);
  if (!picture) return undefined;
  return { format: normaliseMime(picture.format), data: picture.data };
}

function pickCover(pictures: readonly IPicture[] | undefined): IPicture | undefined {
  if (!pictures || pictures.length === 0) return undefined;
  return pictures.find((p) => /front/i.test(p.type ?? '')) ?? pictures[0];
}

function normaliseMime(format: string): string {
  const lower = format.toLowerCase();
  if (lower.includes('/')) return lower;
  // ID3v2.2 and some taggers write "JPG"/"PNG".
  if (lower === 'jpg' || lower === 'jpeg') return 'image/jpeg';
  return `image/${lower}`;
}

/** True when a picture tag exists in any of the native tag formats. */
function hasPictureTag(metadata: IAudioMetadata): boolean {
  if (metadata.common.picture && metadata.common.picture.length > 0) return true;
  const pictureIds = new Set(['APIC', 'PIC', 'METADATA_BLOCK_PICTURE', 'covr', 'WM/Picture', 'Cover Art (Front)']);
  for (const tags of Object.values(metadata.native)) {
    for (const tag of tags) {
      if (pictureIds.has(tag.id)) return true;
    }
  }
  return false;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** A tag's text, trimmed, with UTF-8 that was decoded as Latin-1 repaired. */
function text(value: string | undefined): string | undefined {
  const trimmed = nonEmpty(value);
  return trimmed === undefined ? undefined : repairMojibake(trimmed);
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * RIFF INFO and ID3v1 are Latin-1 by specification, yet many taggers write UTF-8 there, and
 * music-metadata then returns "BjÃ¶rk". When every character fits in a byte and those bytes
 * are valid UTF-8 with at least one multi-byte sequence, the UTF-8 reading is what was meant
 * (real Latin-1 text almost never forms valid multi-byte UTF-8).
 */
export function repairMojibake(value: string): string {
  let hasHighByte = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return value;
    if (code >= 0xc2) hasHighByte = true;
  }
  if (!hasHighByte) return value;
  try {
    return utf8Strict.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

function positive(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function finitePositive(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function stripUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
