import * as path from 'node:path';

/**
 * Extensions Playhead can decode (see src/decode). `.mp4` is accepted because audio-only MP4
 * files exist under that name; a video file simply fails later with a clear message.
 */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.mp3',
  '.flac',
  '.ogg',
  '.oga',
  '.opus',
  '.wav',
  '.m4a',
  '.aac',
  '.mp4',
]);

/** Lower-cased extension with its dot, or '' when the name has none. */
export function extensionOf(filePath: string): string {
  return path.extname(filePath).toLowerCase();
}

export function isAudioFile(filePath: string): boolean {
  return AUDIO_EXTENSIONS.has(extensionOf(filePath));
}
