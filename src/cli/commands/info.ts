import * as path from 'node:path';
import { CliCommand, ExitCode, parseArgs, UsageError } from '../command';
import { DecodeError, openDecoder, type AudioFormat } from '../../decode';
import { readTags } from '../../library/tags';

const usage = `Usage: playhead info FILE [--json]

Open FILE with the player's decoder and print what it will play: codec, sample rate,
channels, bit depth, exact length (after gapless trimming) and the tags.

Options:
  --json   print one JSON object instead of text
Exit codes: 0 ok, 3 the file cannot be read or decoded (the reason is printed).
`;

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'Show the format, exact length and tags of an audio file',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, { json: 'boolean' });
    if (parsed.positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const file = path.resolve(parsed.positionals[0]!);
    let format: AudioFormat;
    try {
      const decoder = await openDecoder(file);
      format = decoder.format;
      decoder.dispose();
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      if (parsed.flags.has('json')) io.stdout.write(`${JSON.stringify({ file, error: { code: error.code, message: error.message, at: error.at } })}\n`);
      io.stderr.write(`playhead info: ${error.message}\n`);
      return ExitCode.badInput;
    }
    const tags = await readTagsQuietly(file);
    const duration = format.totalFrames === undefined ? undefined : format.totalFrames / format.sampleRate;
    if (parsed.flags.has('json')) {
      io.stdout.write(`${JSON.stringify({ file, format, duration, tags }, null, 2)}\n`);
      return ExitCode.ok;
    }
    const lines = [
      `file:        ${file}`,
      `codec:       ${format.codec}${format.lossless ? ' (lossless)' : ''}`,
      `sample rate: ${format.sampleRate} Hz`,
      `channels:    ${format.channels}`,
      ...(format.bitsPerSample ? [`bit depth:   ${format.bitsPerSample}`] : []),
      `length:      ${duration === undefined ? 'unknown' : `${formatTime(duration)} (${format.totalFrames} frames)`}`,
    ];
    for (const [key, value] of Object.entries(tags ?? {})) {
      if (value === undefined || ['codec', 'sampleRate', 'channels', 'lossless', 'duration'].includes(key)) continue;
      lines.push(`${`${key}:`.padEnd(13)}${Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.ok;
  },
};

/** Tags are a bonus here: a file the decoder plays but the tag reader dislikes still gets info. */
async function readTagsQuietly(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return { ...(await readTags(file)) } as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function formatTime(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(3).padStart(6, '0')}`;
}
