import * as path from 'node:path';
import { parseTrack, Track } from '../player/track';
import { isArrayOf, isFiniteNumber, isObject, isOneOf, isOptional, isRecord, isString } from '../protocol/validate';
import { badRequest } from './errors';

/**
 * The request bodies the API accepts, checked field by field. Each parser returns clean,
 * typed values or throws a 400 that says which field is wrong; nothing half-valid reaches the
 * player. Extra fields are ignored (and never forwarded).
 */

/** Most tracks one POST /queue may add; a bigger list is a mistake or an attack. */
export const maxTracksPerRequest = 5000;
/** Most paths one POST /queue may name (each may be a whole folder). */
export const maxPathsPerRequest = 100;

export type SeekRequest = { readonly positionMs: number } | { readonly deltaMs: number };

const isSeekTo = isObject<{ positionMs: number }>({ positionMs: isFiniteNumber });
const isSeekBy = isObject<{ deltaMs: number }>({ deltaMs: isFiniteNumber });

export function parseSeekBody(body: unknown): SeekRequest {
  requireObject(body);
  const hasTo = body.positionMs !== undefined;
  const hasBy = body.deltaMs !== undefined;
  if (hasTo === hasBy) throw badRequest('Give exactly one of positionMs (absolute) or deltaMs (relative), in milliseconds.');
  if (hasTo) {
    if (!isSeekTo(body) || body.positionMs < 0) throw badRequest('positionMs must be a number ≥ 0.');
    return { positionMs: body.positionMs };
  }
  if (!isSeekBy(body)) throw badRequest('deltaMs must be a number.');
  return { deltaMs: body.deltaMs };
}

const isVolume = isObject<{ volume: number }>({ volume: isFiniteNumber });

export function parseVolumeBody(body: unknown): number {
  requireObject(body);
  if (!isVolume(body) || body.volume < 0 || body.volume > 1) throw badRequest('volume must be a number from 0 to 1.');
  return body.volume;
}

export type QueuePosition = 'end' | 'next';
export const queuePositions = ['end', 'next'] as const;

export type QueueAddRequest =
  | { readonly tracks: Track[]; readonly position: QueuePosition }
  | { readonly paths: string[]; readonly position: QueuePosition };

const isQueueAdd = isObject<{ tracks: unknown[] | undefined; paths: string[] | undefined; position: QueuePosition | undefined }>({
  // Each track is checked by parseTrack below, so its error can name the index.
  tracks: isOptional(isArrayOf((_value: unknown): _value is unknown => true, maxTracksPerRequest)),
  paths: isOptional(isArrayOf(isString, maxPathsPerRequest)),
  position: isOptional(isOneOf(queuePositions)),
});

export function parseQueueAddBody(body: unknown): QueueAddRequest {
  requireObject(body);
  if (!isQueueAdd(body)) {
    throw badRequest(
      `Expected { tracks: [{ uri, ... }] (at most ${maxTracksPerRequest}) or paths: [string] (at most ${maxPathsPerRequest}), position?: "end" | "next" }.`,
    );
  }
  const position = body.position ?? 'end';
  if ((body.tracks === undefined) === (body.paths === undefined)) throw badRequest('Give exactly one of tracks or paths.');
  if (body.paths !== undefined) {
    if (body.paths.length === 0) throw badRequest('paths is empty.');
    const relative = body.paths.find((p) => !isPlayableLocation(p));
    if (relative !== undefined) throw badRequest(`Not an absolute path or http(s) URL: ${JSON.stringify(relative)}`);
    return { paths: body.paths, position };
  }
  const tracks: Track[] = [];
  for (const [index, value] of body.tracks!.entries()) {
    const track = parseTrack(value);
    if (!track) throw badRequest(`tracks[${index}] is not a track: it needs a uri string; title, artist, album, albumArtist are strings; durationMs, trackNo, discNo are numbers ≥ 0.`);
    if (!isPlayableLocation(track.uri)) throw badRequest(`tracks[${index}].uri is not an absolute path or http(s) URL.`);
    tracks.push(track);
  }
  if (tracks.length === 0) throw badRequest('tracks is empty.');
  return { tracks, position };
}

/** `DELETE /queue/{index}`: a whole number written plainly (no sign, no exponent). */
export function parseQueueIndex(segment: string): number {
  if (!/^\d{1,9}$/.test(segment)) throw badRequest(`Not a queue index: ${JSON.stringify(segment)}`);
  return Number(segment);
}

/**
 * The server reads files by absolute path only: a relative one would depend on the server's
 * working folder, which the client cannot know.
 */
function isPlayableLocation(location: string): boolean {
  return /^https?:\/\/\S+$/i.test(location) || (path.isAbsolute(location) && !location.includes('\0'));
}

function requireObject(body: unknown): asserts body is Record<string, unknown> {
  if (!isRecord(body)) throw badRequest('The body must be a JSON object.');
}
