import * as path from 'node:path';
import type { InferableField, TrackTags } from './types';

/**
 * Guesses for untagged files, from common naming schemes:
 *   "01 - Artist - Title.mp3", "01 - Title.mp3", "01. Title.mp3", "01 Title.mp3",
 *   "1-03 Title.m4a" (disc 1, track 3), "Artist - Title.mp3", "Title.mp3";
 * and the folder as album ("Album/CD2/x.mp3" gives album "Album", disc 2).
 */
export interface PathGuess {
  readonly title: string;
  readonly artist?: string;
  readonly album?: string;
  readonly trackNumber?: number;
  readonly discNumber?: number;
}

const DISC_TRACK = /^(\d{1,2})-(\d{1,3})\s+(.+)$/s;
const TRACK_THEN_REST = /^(\d{1,3})(?:\s*[-.)_]\s*|\s+)(.+)$/s;
const DISC_FOLDER = /^(?:cd|disc|disk)\s*[-_]?\s*(\d{1,2})$/i;

export function guessFromPath(filePath: string): PathGuess {
  let stem = path.basename(filePath, path.extname(filePath)).trim();
  // "01_Artist_-_Title": underscores stand for spaces when there are no spaces at all.
  if (!stem.includes(' ') && stem.includes('_')) stem = stem.replace(/_/g, ' ');

  let trackNumber: number | undefined;
  let discNumber: number | undefined;
  let rest = stem;
  const discTrack = DISC_TRACK.exec(stem);
  const trackThenRest = discTrack ? null : TRACK_THEN_REST.exec(stem);
  if (discTrack) {
    discNumber = Number(discTrack[1]);
    trackNumber = Number(discTrack[2]);
    rest = discTrack[3]!;
  } else if (trackThenRest) {
    trackNumber = Number(trackThenRest[1]);
    rest = trackThenRest[2]!;
  }

  let artist: string | undefined;
  let title = rest.trim();
  const dash = title.indexOf(' - ');
  if (dash > 0) {
    artist = title.slice(0, dash).trim();
    title = title.slice(dash + 3).trim();
  }
  if (title === '') title = stem;

  const folder = path.basename(path.dirname(filePath));
  let album: string | undefined = folder;
  const discFolder = DISC_FOLDER.exec(folder);
  if (discFolder) {
    discNumber ??= Number(discFolder[1]);
    album = path.basename(path.dirname(path.dirname(filePath)));
  }
  // The file system root or a drive has no useful name.
  if (album === '' || album === '.' || album === path.sep || /^[A-Za-z]:\\?$/.test(album)) album = undefined;

  return { title, artist, album, trackNumber, discNumber };
}

/** Fill what the tags lack from the path; record which fields were guessed. */
export function withPathFallbacks(filePath: string, tags: TrackTags): TrackTags {
  if (tags.title && tags.artist && tags.album && tags.trackNumber !== undefined) return tags;
  const guess = guessFromPath(filePath);
  const inferred: InferableField[] = [];
  const filled: { -readonly [K in keyof TrackTags]: TrackTags[K] } = { ...tags };
  if (!tags.title) {
    filled.title = guess.title;
    inferred.push('title');
  }
  // Only trust the name's artist when the title also came from the name: a tagged title
  // with a name like "Intro - Live" says nothing about the artist.
  if (!tags.artist && !tags.title && guess.artist) {
    filled.artist = guess.artist;
    inferred.push('artist');
  }
  if (!tags.album && guess.album) {
    filled.album = guess.album;
    inferred.push('album');
  }
  if (tags.trackNumber === undefined && guess.trackNumber !== undefined) {
    filled.trackNumber = guess.trackNumber;
    inferred.push('trackNumber');
  }
  if (tags.discNumber === undefined && guess.discNumber !== undefined) {
    filled.discNumber = guess.discNumber;
    inferred.push('discNumber');
  }
  if (inferred.length > 0) filled.inferred = inferred;
  return filled;
}
