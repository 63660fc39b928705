import * as path from 'node:path';
import { CliCommand, CliIO, ExitCode, numberFlag, parseArgs, UsageError } from '../command';
import { ScanError, scanLibrary, type ScanResult } from '../../library/scanner';
import { TagCache } from '../../library/tag-cache';
import { createTagReader } from '../../library/tags';
import type { ScannedTrack, TrackTags } from '../../library/types';

const usage = `Usage: playhead scan FOLDER [options]

Scan FOLDER (recursively) for audio files and print every track with its tags, then every
file that was skipped and why (unsupported type, unreadable folder, corrupt file...).

Options:
  --json               print one JSON document: { root, tracks, skipped, summary }
  --ignore GLOB        skip paths matching GLOB (relative to FOLDER; repeatable),
                       e.g. --ignore '**/demos/**' --ignore '*.{wav,aiff}'
  --covers             also report which files embed cover art (parses pictures; slower)
  --hidden             include files and folders whose name starts with a dot
  --no-follow          do not descend into symbolic links to folders
  --cache DIR          keep a tag cache in DIR (a second scan then only stats files)
  --concurrency N      parallel reads (default 8)
`;

export const scanCommand: CliCommand = {
  name: 'scan',
  summary: 'List the tracks in a folder with their tags, and what was skipped',
  usage,
  async run(args, io) {
    const { ignore, rest } = takeRepeated(args, 'ignore');
    const parsed = parseArgs(rest, { json: 'boolean', covers: 'boolean', hidden: 'boolean', 'no-follow': 'boolean', cache: 'value', concurrency: 'value' });
    if (parsed.positionals.length !== 1) throw new UsageError('expected exactly one FOLDER');
    const root = path.resolve(parsed.positionals[0]!);
    const concurrency = numberFlag(parsed, 'concurrency', 8)!;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--concurrency needs a positive whole number');
    const cacheDir = parsed.flags.get('cache');
    const cache = typeof cacheDir === 'string' ? await TagCache.open(path.resolve(cacheDir), { log: (m) => io.stderr.write(`${m}\n`) }) : undefined;

    const controller = new AbortController();
    void io.interrupted.then(() => controller.abort(new Error('interrupted')));
    const started = performance.now();
    let lastShown = 0;
    let result: ScanResult;
    try {
      result = await scanLibrary(root, {
        ignore,
        includeHidden: parsed.flags.has('hidden'),
        readTags: parsed.flags.has('covers') ? createTagReader({ detectCovers: true }) : undefined,
        followSymlinks: !parsed.flags.has('no-follow'),
        concurrency,
        cache,
        signal: controller.signal,
        onProgress: (p) => {
          // A line every couple of seconds on long scans; silence on short ones.
          const now = performance.now();
          if (!p.done && now - started > 2000 && now - lastShown > 2000) {
            lastShown = now;
            io.stderr.write(`scanning: ${p.audioFilesDone}/${p.audioFiles} audio files, ${p.foldersDone} folders\n`);
          }
        },
      });
    } catch (error) {
      if (error instanceof ScanError) {
        io.stderr.write(`playhead scan: ${error.message}\n`);
        return ExitCode.badInput;
      }
      if (controller.signal.aborted) {
        io.stderr.write('playhead scan: interrupted\n');
        return ExitCode.failure;
      }
      throw error;
    }
    await cache?.save();
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      tracks: result.tracks.length,
      skipped: result.skipped.length,
      tagReads: result.progress.tagReads,
      fromCache: result.progress.fromCache,
      seconds: Math.round(seconds * 1000) / 1000,
    };
    if (parsed.flags.has('json')) {
      io.stdout.write(`${JSON.stringify({ root: result.root, tracks: result.tracks, skipped: result.skipped, summary }, null, 2)}\n`);
    } else {
      printText(result, io);
    }
    io.stderr.write(
      `${summary.tracks} tracks, ${summary.skipped} skipped, ${summary.tagReads} tag reads, ${summary.fromCache} from cache, ${seconds.toFixed(2)} s\n`,
    );
    return ExitCode.ok;
  },
};

function printText(result: ScanResult, io: CliIO): void {
  const rel = (p: string) => path.relative(result.root, p) || path.basename(p);
  for (const track of result.tracks) {
    io.stdout.write(`${rel(track.path)}\n  ${describeTags(track)}\n`);
  }
  if (result.skipped.length > 0) {
    io.stdout.write(`\nSkipped (${result.skipped.length}):\n`);
    for (const entry of result.skipped) io.stdout.write(`  ${rel(entry.path)}: ${entry.reason}\n`);
  }
}

function describeTags(track: ScannedTrack): string {
  const t: TrackTags = track.tags;
  const guessed = new Set(t.inferred ?? []);
  const mark = (field: string, value: string) => (guessed.has(field as never) ? `${value} (from name)` : value);
  const parts: string[] = [];
  if (t.title !== undefined) parts.push(`title: ${mark('title', t.title)}`);
  if (t.artist !== undefined) parts.push(`artist: ${mark('artist', t.artist)}`);
  if (t.album !== undefined) parts.push(`album: ${mark('album', t.album)}`);
  if (t.albumArtist !== undefined) parts.push(`album artist: ${t.albumArtist}`);
  if (t.trackNumber !== undefined) parts.push(`track: ${mark('trackNumber', `${t.trackNumber}${t.trackTotal ? `/${t.trackTotal}` : ''}`)}`);
  if (t.discNumber !== undefined) parts.push(`disc: ${mark('discNumber', `${t.discNumber}${t.discTotal ? `/${t.discTotal}` : ''}`)}`);
  if (t.year !== undefined) parts.push(`year: ${t.year}`);
  if (t.genre) parts.push(`genre: ${t.genre.join('; ')}`);
  if (t.duration !== undefined) parts.push(`duration: ${formatDuration(t.duration)}`);
  const rg = t.replayGain;
  if (rg) {
    const bits = [
      rg.trackGain !== undefined ? `track ${rg.trackGain.toFixed(2)} dB` : '',
      rg.trackPeak !== undefined ? `peak ${rg.trackPeak}` : '',
      rg.albumGain !== undefined ? `album ${rg.albumGain.toFixed(2)} dB` : '',
      rg.albumPeak !== undefined ? `album peak ${rg.albumPeak}` : '',
    ].filter(Boolean);
    parts.push(`replaygain: ${bits.join(' ')}`);
  }
  if (t.codec !== undefined) parts.push(`codec: ${t.codec}${t.sampleRate ? ` ${t.sampleRate} Hz` : ''}`);
  if (t.hasCover) parts.push('cover');
  return parts.join(', ');
}

function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `parseArgs` keeps one value per flag; `--ignore` may be given several times. */
function takeRepeated(args: readonly string[], name: string): { ignore: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === `--${name}`) {
      const value = args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      values.push(value);
    } else if (arg.startsWith(`--${name}=`)) {
      values.push(arg.slice(name.length + 3));
    } else {
      rest.push(arg);
    }
  }
  return { ignore: values, rest };
}
