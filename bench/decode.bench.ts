/**
 * Decode-layer benchmarks (issue 3). `npx tsx bench/decode.bench.ts`
 *
 *  - Decode speed per format (x real time) of a 3-minute stereo 44.1 kHz file, decoded whole
 *    through openDecoder() in this process, side by side with `ffmpeg -f null` on the same
 *    file in the same run. Both in CPU time and both without start-up: ffmpeg's decode loop
 *    (its own -benchmark figure) against our open + decode in a warm process; ffmpeg as a
 *    whole process (~0.1 s of start-up, loading its libraries) is a note. Target ≥ 0.6×
 *    ffmpeg, WAV ≥ 1×.
 *  - Seek latency (seek + first chunk) at 60 random positions of a 2-hour file per format,
 *    back to back: median and p99. Target ≤ 10 ms median. The first seek of a file is
 *    reported apart (MP3 builds its frame index lazily up to the target then, reading the
 *    file that far). Back-to-back seeks are the worst case for FLAC and Vorbis, which reset
 *    a spare codec instance in the background after each seek: the next seek waits for it.
 *  - Peak RSS of a child process decoding a whole 3-minute and a whole 2-hour file, one child
 *    per measurement (this file bundled like dist/, no tsx), 5 of each interleaved, medians
 *    compared. Target: the same within 5 MB.
 *    No GC flags during the decode (users have none); after it, the child forces GC and
 *    reports heap + external still live, which is where a leak would show.
 *
 * Media are generated once into bench/.cache/decode (gitignored) with ffmpeg: a sine plus
 * pink noise (so lossy encoders spend realistic bits). 2-hour files are a 60 s encode looped
 * with `-stream_loop -c copy` (seconds), except FLAC, whose frame numbers must keep rising,
 * which is encoded in full once (~30 s).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDecoder } from '../src/decode';
import { bundleLikeDist } from '../test/support/engine-bundle';
import { median, progress, reportFigure, round } from './lib/bench-report';

const GROUP = 'decode';
const cache = path.resolve(__dirname, '.cache', 'decode');

interface Format {
  name: string;
  ext: string;
  codec: string[];
}
const FORMATS: Format[] = [
  { name: 'wav', ext: 'wav', codec: ['-c:a', 'pcm_s16le'] },
  { name: 'flac', ext: 'flac', codec: ['-c:a', 'flac', '-sample_fmt', 's16'] },
  { name: 'mp3', ext: 'mp3', codec: ['-c:a', 'libmp3lame', '-b:a', '192k'] },
  { name: 'vorbis', ext: 'ogg', codec: ['-c:a', 'libvorbis', '-q:a', '5'] },
  { name: 'opus', ext: 'opus', codec: ['-c:a', 'libopus', '-b:a', '128k'] },
  { name: 'aac', ext: 'm4a', codec: ['-c:a', 'aac', '-b:a', '192k'] },
];

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

const SOURCE = (seconds: number) => [
  '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
  '-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.1:sample_rate=44100:duration=${seconds}:seed=1`,
  '-filter_complex', '[0][1]amerge=inputs=2,aformat=channel_layouts=stereo',
];

function media(format: Format, minutes: number): string {
  const file = path.join(cache, `${format.name}-${minutes}min.${format.ext}`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cache, { recursive: true });
  progress(`generating ${path.basename(file)}`);
  const tmp = `${file}.tmp.${format.ext}`;
  if (minutes <= 3 || format.name === 'flac') {
    ffmpeg([...SOURCE(minutes * 60), ...format.codec, ...(format.name === 'flac' && minutes > 3 ? ['-compression_level', '2'] : []), tmp]);
  } else {
    const segment = path.join(cache, `${format.name}-segment.${format.ext}`);
    ffmpeg([...SOURCE(60), ...format.codec, segment]);
    ffmpeg(['-stream_loop', String(minutes - 1), '-i', segment, '-c', 'copy', tmp]);
    fs.rmSync(segment);
  }
  fs.renameSync(tmp, file);
  return file;
}

async function decodeWhole(file: string): Promise<{ frames: number; rate: number }> {
  const decoder = await openDecoder(file);
  try {
    let frames = 0;
    for (let c = await decoder.read(); c; c = await decoder.read()) frames += c.channels[0]!.length;
    return { frames, rate: decoder.format.sampleRate };
  } finally {
    decoder.dispose();
  }
}

/** CPU seconds (user + system) of this process so far. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * ffmpeg decoding `file` to nowhere: the CPU of its decode loop (its own `-benchmark` figure:
 * user + system time of the transcode, after start-up and probing) and of the whole process
 * (start-up included, from the shell's `times`).
 */
function ffmpegCpu(file: string): { loop: number; process: number } {
  const script = 'ffmpeg -hide_banner -nostats -benchmark -i "$1" -f null - 2>&1; times';
  const r = spawnSync('bash', ['-c', script, 'bash', file], { encoding: 'utf8' });
  const bench = /utime=([\d.]+)s stime=([\d.]+)s/.exec(r.stdout);
  // `times` prints the shell's own user/system, then its children's: "0m0.210s 0m0.020s".
  const children = r.stdout.trim().split('\n').pop()!.match(/(\d+)m([\d.]+)s/g) ?? [];
  if (r.status !== 0 || !bench || children.length !== 2) throw new Error(`ffmpeg failed on ${file}: ${r.stdout.slice(-500)}`);
  const seconds = (t: string) => Number(/(\d+)m/.exec(t)![1]) * 60 + Number(/m([\d.]+)s/.exec(t)![1]);
  return { loop: Number(bench[1]) + Number(bench[2]), process: seconds(children[0]!) + seconds(children[1]!) };
}

const SPEED_ROUNDS = 7;

async function decodeSpeed(format: Format): Promise<void> {
  const file = media(format, 3);
  await decodeWhole(file); // warm the page cache and the wasm module
  // CPU time, not wall clock: the machine is shared, and CPU time is what a busy neighbour
  // disturbs least. Rounds alternate with ffmpeg; medians.
  const ours: number[] = [];
  const loops: number[] = [];
  const processes: number[] = [];
  let seconds = 0;
  for (let round = 0; round < SPEED_ROUNDS; round++) {
    const c0 = cpuSeconds();
    const { frames, rate } = await decodeWhole(file);
    ours.push(cpuSeconds() - c0);
    seconds = frames / rate;
    const theirs = ffmpegCpu(file);
    loops.push(theirs.loop);
    processes.push(theirs.process);
  }
  const ourSpeed = seconds / median(ours);
  const loopSpeed = seconds / median(loops);
  const ratio = ourSpeed / loopSpeed;
  const want = format.name === 'wav' ? 1 : 0.6;
  progress(`${format.name}: ${ourSpeed.toFixed(0)}x real time, ffmpeg's decode loop ${loopSpeed.toFixed(0)}x (${ratio.toFixed(2)}×); ffmpeg process ${(seconds / median(processes)).toFixed(0)}x`);
  reportFigure({
    group: GROUP,
    name: `${format.name} decode speed`,
    value: round(ourSpeed),
    unit: 'x realtime',
    target: `≥ ${want}× ffmpeg`,
    ratio: round(ratio),
    ok: ratio >= want,
    note:
      `CPU time, medians of ${SPEED_ROUNDS} alternating rounds on the same 3-minute file: ours = openDecoder + read to the end in a warm process; ` +
      `ffmpeg = its decode loop (-benchmark utime + stime, after start-up and probing) ${round(loopSpeed)}x; ` +
      `as a whole process (start-up included) ffmpeg is ${round(seconds / median(processes))}x, ${round(ourSpeed / (seconds / median(processes)))}× of which we reach`,
  });
}

async function seekLatency(format: Format): Promise<void> {
  const file = media(format, 120);
  const decoder = await openDecoder(file);
  try {
    const total = decoder.format.totalFrames ?? decoder.format.sampleRate * 7200;
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const once = async () => {
      const target = Math.floor(random() * total);
      const t = performance.now();
      await decoder.seek(target);
      const chunk = await decoder.read();
      if (!chunk || chunk.frame !== target) throw new Error(`${format.name}: seek(${target}) gave ${chunk?.frame}`);
      return performance.now() - t;
    };
    const first = await once();
    const times: number[] = [];
    for (let i = 0; i < 60; i++) times.push(await once());
    times.sort((a, b) => a - b);
    const med = median(times);
    const p99 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]!;
    progress(`${format.name}: seek median ${med.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, first ${first.toFixed(1)} ms`);
    reportFigure({ group: GROUP, name: `${format.name} seek latency median (2 h file)`, value: round(med), unit: 'ms', target: '≤ 10 ms', ok: med <= 10, note: `first seek ${round(first)} ms` });
    reportFigure({ group: GROUP, name: `${format.name} seek latency p99 (2 h file)`, value: round(p99), unit: 'ms' });
  } finally {
    decoder.dispose();
  }
}

interface ChildMemory {
  /** Peak RSS of the whole child process (getrusage maxrss), MB. */
  maxRssMb: number;
  /** heapUsed + external after the decoder is disposed and two forced GCs, MB: what stays. */
  liveMb: number;
}

/**
 * This file bundled as dist/ bundles are (no tsx in the children: its loader and on-the-fly
 * compiling are not what a user runs, and they add their own memory and JIT noise).
 */
let childScript: string | undefined;
function rssChildScript(): string {
  if (!childScript) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-decode-bench-'));
    childScript = path.join(dir, 'decode-bench.js');
    bundleLikeDist(__filename, childScript);
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return childScript;
}

/** Memory of a fresh child that decodes `file` whole (--expose-gc only for the end figure). */
function childMemory(file: string): ChildMemory {
  const r = spawnSync(process.execPath, ['--expose-gc', rssChildScript(), '--rss-child', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`RSS child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildMemory;
}

const RSS_RUNS = 5;

async function peakRss(format: Format): Promise<void> {
  // Peak RSS of one run varies by several MB from run to run (when the GC happens to run),
  // so each length runs RSS_RUNS times, interleaved (short, long, short, long, …) so that
  // load on the shared machine hits both alike, and the medians are compared.
  const shorts: ChildMemory[] = [];
  const longs: ChildMemory[] = [];
  for (let i = 0; i < RSS_RUNS; i++) {
    shorts.push(childMemory(media(format, 3)));
    longs.push(childMemory(media(format, 120)));
  }
  const list = (runs: ChildMemory[], key: keyof ChildMemory) => runs.map((x) => round(x[key])).join(', ');
  const short = median(shorts.map((x) => x.maxRssMb));
  const long = median(longs.map((x) => x.maxRssMb));
  const diff = long - short;
  const liveShort = median(shorts.map((x) => x.liveMb));
  const liveLong = median(longs.map((x) => x.liveMb));
  progress(`${format.name}: peak RSS ${list(shorts, 'maxRssMb')} MB (3 min) vs ${list(longs, 'maxRssMb')} MB (2 h); live after GC ${liveShort.toFixed(1)} vs ${liveLong.toFixed(1)} MB`);
  reportFigure({ group: GROUP, name: `${format.name} peak RSS, 3-minute file`, value: round(short), unit: 'MB', note: `median of ${RSS_RUNS} children: ${list(shorts, 'maxRssMb')} MB` });
  reportFigure({
    group: GROUP,
    name: `${format.name} peak RSS, 2-hour file`,
    value: round(long),
    unit: 'MB',
    target: '≤ 3-minute + 5 MB',
    ok: diff <= 5,
    note: `median of ${RSS_RUNS} children, interleaved with the 3-minute ones: ${list(longs, 'maxRssMb')} MB; ${diff >= 0 ? '+' : ''}${round(diff)} MB over the 3-minute median`,
  });
  // A leak would show here even when the peak hides it: what is still reachable at the end.
  reportFigure({
    group: GROUP,
    name: `${format.name} live heap + external after decode and GC, 2-hour file`,
    value: round(liveLong),
    unit: 'MB',
    target: '≤ 3-minute + 1 MB',
    ok: liveLong - liveShort <= 1,
    note: `3-minute file ${round(liveShort)} MB; medians of ${RSS_RUNS}: ${list(longs, 'liveMb')} vs ${list(shorts, 'liveMb')} MB`,
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rss-child') {
    await decodeWhole(process.argv[3]!);
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    const memory: ChildMemory = { maxRssMb, liveMb: (m.heapUsed + m.external) / 2 ** 20 };
    process.stdout.write(`${JSON.stringify(memory)}\n`);
    return;
  }
  // `npx tsx bench/decode.bench.ts [speed] [seek] [rss] [FORMAT…]` runs parts; all by default.
  const args = process.argv.slice(2);
  const parts = ['speed', 'seek', 'rss'].filter((p) => args.length === 0 || args.includes(p) || !args.some((a) => ['speed', 'seek', 'rss'].includes(a)));
  const formats = FORMATS.filter((f) => !args.some((a) => FORMATS.some((x) => x.name === a)) || args.includes(f.name));
  // Generate missing media first (minutes on a fresh cache): the time budget is for measuring.
  for (const f of formats) for (const minutes of parts.some((p) => p !== 'speed') ? [3, 120] : [3]) media(f, minutes);
  const started = performance.now();
  if (parts.includes('speed')) {
    progress('decode speed (3-minute files)');
    for (const f of formats) await decodeSpeed(f);
  }
  if (parts.includes('seek')) {
    progress('seek latency (2-hour files)');
    for (const f of formats) await seekLatency(f);
  }
  if (!parts.includes('rss')) return;
  // Whole 2-hour decodes take 10-40 s each: measure the formats with the most distinct
  // memory behaviour (PCM, frame index, Ogg pages, wasm FLAC, MP4 sample tables), 5 + 5
  // children each, and stay within ~7 minutes.
  progress(`peak RSS (3-minute vs 2-hour, ${RSS_RUNS} children each, interleaved)`);
  for (const f of formats.filter((x) => ['wav', 'mp3', 'opus', 'flac', 'aac'].includes(x.name))) {
    if ((performance.now() - started) / 1000 > 400) {
      progress(`skipping RSS for ${f.name}: time budget`);
      continue;
    }
    await peakRss(f);
  }
  progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
