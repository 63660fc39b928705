/**
 * Audio engine benchmarks (issue 4). `npx tsx bench/engine.bench.ts`
 *
 *  - CPU of the engine process while playing a 44.1 kHz stereo MP3 and FLAC in real time,
 *    side by side with mpv (`--no-config --no-video --audio-display=no`) playing the same file
 *    at the same time to the same kind of device: (a) each one's real-time null output (engine
 *    null sink, mpv `--ao=null`, both clocked like a device); (b) when PulseAudio is installed,
 *    ALSA's default device routed to a private PulseAudio null sink for both (engine naudiodon,
 *    mpv `--ao=alsa`, the same PULSE_LATENCY_MSEC). CPU is the run time of every thread of
 *    the process (/proc schedstat, nanoseconds); the sound server's is nobody's. Steady
 *    playback is measured (from 3 s after the load, past process start-up, wasm compilation and
 *    the pipe's first fill) for 20 s; rounds alternate the files, medians are reported.
 *    Target ≤ 1.0× mpv. Including start-up (all CPU from process start to the end of the
 *    window) is a note.
 *  - Time from play to the first PCM handed to the sink (engine side), for a loaded local
 *    file, with the null sink and with naudiodon into the ALSA file device. Target ≤ 20 ms.
 *  - Engine RSS while playing (and seeking through) a 3-minute and a 2-hour FLAC, 3 engines
 *    per length, interleaved, medians. Target ≤ 80 MB each and within 5 MB of each other.
 *
 * `npx tsx bench/engine.bench.ts [cpu] [start] [seek] [rss]` runs parts; all by default.
 *
 * The engine is the bundled artifact (as dist/engine.js is built), in its own process.
 * Media are generated once with ffmpeg into bench/.cache/ (the 2-hour FLAC takes ~20 s).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { EngineClient } from '../src/engine/client';
import { SOUND_SERVER_LATENCY } from '../src/engine/sound-server';
import { startPulseCapture } from '../test/harness/pulse';
import { createAlsaCapture } from '../test/support/alsa-capture';
import { buildEngineBundle } from '../test/support/engine-bundle';
import { median, progress, reportFigure, round } from './lib/bench-report';

const cache = path.resolve(__dirname, '.cache');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PLAY_SECONDS = 20;
const SETTLE_MS = 3000;
const CPU_ROUNDS = 5;
/** Engines per file length for the RSS figures (one engine's peak varies with its GC's timing). */
const RSS_RUNS = 3;

function generate(name: string, seconds: number, codec: 'mp3' | 'flac', twoTones = false): string {
  const file = path.join(cache, name);
  if (fs.existsSync(file)) return file;
  progress(`generating ${name} (${seconds} s) with ffmpeg`);
  fs.mkdirSync(cache, { recursive: true });
  const right = twoTones
    ? `sine=frequency=660:sample_rate=44100:duration=${seconds}`
    : `anoisesrc=color=pink:amplitude=0.05:sample_rate=44100:duration=${seconds}`;
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    '-f', 'lavfi', '-i', right,
    '-filter_complex', '[0][1]amerge=inputs=2,aformat=channel_layouts=stereo:sample_fmts=s16',
    ...(codec === 'mp3' ? ['-c:a', 'libmp3lame', '-b:a', '192k'] : ['-c:a', 'flac', '-compression_level', twoTones ? '0' : '5']),
    `${file}.tmp.${codec}`,
  ]);
  fs.renameSync(`${file}.tmp.${codec}`, file);
  return file;
}

/**
 * CPU seconds a process has run so far, every thread: the sum of the scheduler's nanosecond
 * run times (/proc/PID/task/TID/schedstat). /proc/PID/stat counts 10 ms ticks, which over a
 * 20 s window of a process using 1-3 % of a core is 20-60 ticks: too coarse for a ratio.
 * The threads that matter live as long as the process; one that ended is not counted.
 */
function cpuSeconds(pid: number): number {
  let nanoseconds = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return nanoseconds / 1e9;
}

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

function newClient(enginePath: string, extra: { sink: string; env?: NodeJS.ProcessEnv }, log?: (m: string) => void): EngineClient {
  return new EngineClient({ enginePath, sink: extra.sink, ...(extra.env ? { env: extra.env } : {}), log: (_level, message) => log?.(message) });
}

/** One way to reach a device, the same for the engine and for mpv. */
interface Output {
  readonly label: string;
  readonly engineSink: string;
  readonly mpvAo: string;
  readonly env: NodeJS.ProcessEnv;
}

interface CpuSample {
  readonly engine: number;
  readonly mpv: number;
  readonly engineTotal: number;
  readonly mpvTotal: number;
}

/** Engine and mpv started together on the same file and device; CPU seconds over the same window. */
async function cpuSideBySide(enginePath: string, file: string, output: Output): Promise<CpuSample> {
  const client = newClient(enginePath, { sink: output.engineSink, env: output.env });
  const mpv = spawn('mpv', ['--no-config', '--really-quiet', '--no-terminal', '--no-video', '--audio-display=no', `--ao=${output.mpvAo}`, file], {
    stdio: 'ignore',
    env: { ...process.env, ...SOUND_SERVER_LATENCY, ...output.env },
  });
  try {
    await client.start();
    await client.load({ id: 'cpu', uri: file }, { autoplay: true });
    const enginePid = client.pid!;
    await sleep(SETTLE_MS);
    if (mpv.exitCode !== null) throw new Error(`mpv exited (${mpv.exitCode}) before the measurement`);
    const e0 = cpuSeconds(enginePid);
    const m0 = cpuSeconds(mpv.pid!);
    await sleep(PLAY_SECONDS * 1000);
    const engineTotal = cpuSeconds(enginePid);
    const mpvTotal = cpuSeconds(mpv.pid!);
    return { engine: engineTotal - e0, mpv: mpvTotal - m0, engineTotal, mpvTotal };
  } finally {
    mpv.kill('SIGTERM');
    client.dispose();
    await sleep(300);
  }
}

async function cpuVersusMpv(enginePath: string, files: readonly { file: string; label: string }[], output: Output): Promise<void> {
  const samples = new Map<string, CpuSample[]>(files.map((f) => [f.label, []]));
  for (let round = 0; round < CPU_ROUNDS; round++) {
    for (const { file, label } of round % 2 ? [...files].reverse() : files) {
      const sample = await cpuSideBySide(enginePath, file, output);
      samples.get(label)!.push(sample);
      progress(`  ${output.label}, ${label}, round ${round + 1}: engine ${pct(sample.engine)} %, mpv ${pct(sample.mpv)} % of a core (${round2(sample.engine / sample.mpv)}×)`);
    }
  }
  for (const { label } of files) {
    const runs = samples.get(label)!;
    const ratio = median(runs.map((r) => r.engine / r.mpv));
    const withStartUp = median(runs.map((r) => r.engineTotal / r.mpvTotal));
    reportFigure({
      group: 'engine',
      name: `cpu playing ${label} vs mpv, ${output.label}`,
      value: round(Number(pct(median(runs.map((r) => r.engine))))),
      unit: '% core',
      target: '≤ 1.0× mpv',
      ratio: round(ratio),
      ok: ratio <= 1.0,
      note:
        `median of ${runs.length} side-by-side runs (per-run ratios ${runs.map((r) => round2(r.engine / r.mpv)).join(', ')}); ` +
        `mpv ${pct(median(runs.map((r) => r.mpv)))} % core; steady playback, ${PLAY_SECONDS} s from ${SETTLE_MS / 1000} s after the load; ` +
        `including start-up (all CPU from process start) ${round2(withStartUp)}× mpv`,
    });
  }
}

const pct = (cpuSeconds: number) => ((cpuSeconds / PLAY_SECONDS) * 100).toFixed(2);
const round2 = (value: number) => Math.round(value * 100) / 100;

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

async function firstPcm(enginePath: string, file: string, sink: string, env?: NodeJS.ProcessEnv): Promise<void> {
  progress(`first PCM after play: ${sink}`);
  let resolveFirst: ((ms: number) => void) | undefined;
  const client = newClient(enginePath, { sink, ...(env ? { env } : {}) }, (message) => {
    const match = /first PCM ([\d.]+) ms after play/.exec(message);
    if (match && resolveFirst) resolveFirst(Number(match[1]));
  });
  const engineSide: number[] = [];
  const roundTrip: number[] = [];
  try {
    await client.start();
    for (let i = 0; i < 7; i++) {
      await client.load({ id: `t${i}`, uri: file, }, { autoplay: false, startMs: i * 10_000 });
      await sleep(250); // the pipe fills while paused, as it does after a load
      const first = new Promise<number>((resolve) => (resolveFirst = resolve));
      const started = performance.now();
      await client.play();
      engineSide.push(await first);
      roundTrip.push(performance.now() - started);
      await client.pause();
    }
  } finally {
    client.dispose();
  }
  const value = median(engineSide);
  progress(`  engine side ${engineSide.map((v) => v.toFixed(1)).join(', ')} ms`);
  reportFigure({
    group: 'engine',
    name: `play to first PCM written (${sink === 'null' ? 'null sink' : 'naudiodon, ALSA file device'})`,
    value: round(value),
    unit: 'ms',
    target: '≤ 20 ms',
    ratio: round(value / 20),
    ok: value <= 20,
    note: `median of 7, measured in the engine from the play command to the sink's write returning; host play() round trip median ${round(median(roundTrip))} ms`,
  });
}

async function seekLatency(enginePath: string, file: string, label: string, sink: string, env?: NodeJS.ProcessEnv): Promise<void> {
  progress(`seek to first PCM: ${label}, ${sink}`);
  let resolveFirst: ((ms: number) => void) | undefined;
  const client = newClient(enginePath, { sink, ...(env ? { env } : {}) }, (message) => {
    const match = /first PCM ([\d.]+) ms after seek/.exec(message);
    if (match && resolveFirst) resolveFirst(Number(match[1]));
  });
  const samples: number[] = [];
  try {
    await client.start();
    await client.load({ id: 'seek', uri: file }, { autoplay: true });
    await sleep(500);
    for (let i = 0; i < 7; i++) {
      const first = new Promise<number>((resolve) => (resolveFirst = resolve));
      await client.seek(20_000 + i * 17_000);
      samples.push(await first);
      await sleep(300);
    }
  } finally {
    client.dispose();
  }
  const value = median(samples);
  progress(`  ${samples.map((v) => v.toFixed(1)).join(', ')} ms`);
  reportFigure({
    group: 'engine',
    name: `seek to first PCM written (${label}, ${sink === 'null' ? 'null sink' : 'naudiodon'})`,
    value: round(value),
    unit: 'ms',
    note: 'median of 7 seeks while playing (flush, decoder seek, first write); heard after the device queue (~140 ms naudiodon plus the device buffer, 50-150 ms null)',
  });
}

async function rssWhilePlaying(enginePath: string, file: string, durationMs: number): Promise<number> {
  const client = newClient(enginePath, { sink: 'null' });
  let peak = 0;
  try {
    await client.start();
    const pid = client.pid!;
    const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 100);
    try {
      await client.load({ id: 'rss', uri: file }, { autoplay: true });
      await sleep(3000);
      for (const fraction of [0.5, 0.9, 0.999]) {
        await client.seek(durationMs * fraction);
        await sleep(1500);
      }
    } finally {
      clearInterval(timer);
    }
  } finally {
    client.dispose();
  }
  return peak;
}

/** Peak RSS playing (and seeking through) each file, RSS_RUNS engines per length, interleaved:
 * one engine's peak varies by several MB with when its GC happens to run, so medians are compared. */
async function rssFigures(enginePath: string, short3min: string, long2h: string): Promise<void> {
  progress(`RSS while playing and seeking: 3-minute FLAC, then 2-hour FLAC, ${RSS_RUNS} engines each`);
  const shorts: number[] = [];
  const longs: number[] = [];
  for (let i = 0; i < RSS_RUNS; i++) {
    shorts.push(await rssWhilePlaying(enginePath, short3min, 180_000));
    longs.push(await rssWhilePlaying(enginePath, long2h, 7_200_000));
  }
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const list = (runs: number[]) => runs.map((b) => round(mb(b))).join(', ');
  const short = median(shorts);
  const long = median(longs);
  for (const [name, bytes, runs] of [['3-minute', short, shorts], ['2-hour', long, longs]] as const) {
    reportFigure({
      group: 'engine',
      name: `peak RSS playing a ${name} FLAC`,
      value: round(mb(bytes)),
      unit: 'MB',
      target: '≤ 80 MB',
      ratio: round(mb(bytes) / 80),
      ok: mb(bytes) <= 80,
      note: `median of ${RSS_RUNS} engines (${list(runs)} MB); engine process VmRSS sampled every 100 ms while playing 3 s and seeking to 50 %, 90 %, 99.9 %`,
    });
  }
  const difference = Math.abs(mb(long) - mb(short));
  reportFigure({
    group: 'engine',
    name: 'RSS difference 2-hour vs 3-minute',
    value: round(difference),
    unit: 'MB',
    target: '≤ 5 MB',
    ratio: round(difference / 5),
    ok: difference <= 5,
    note: 'medians',
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const mp3 = generate('engine-3min.mp3', 180, 'mp3');
  const flac = generate('engine-3min.flac', 180, 'flac');
  const flac2h = generate('engine-2h.flac', 7200, 'flac', true);
  // The same recipe as the 2-hour file, so the RSS comparison differs in length only (FLAC
  // frame sizes, and with them the decoder's buffers, depend on the content).
  const flac3mTones = generate('engine-3min-tones.flac', 180, 'flac', true);
  progress('bundling the engine');
  const bundle = buildEngineBundle();
  // Find naudiodon from the temporary bundle folder.
  process.env.PLAYHEAD_NATIVE_DIR = bundle.env.PLAYHEAD_NATIVE_DIR;
  const parts = process.argv.slice(2); // parts to run, as in the usage line at the top
  const wanted = (part: string) => parts.length === 0 || parts.includes(part);
  try {
    const cpuFiles = [
      { file: mp3, label: 'MP3 44.1 kHz stereo 192k' },
      { file: flac, label: 'FLAC 44.1 kHz stereo' },
    ];
    if (wanted('cpu')) {
      progress(`CPU: engine and mpv side by side, ${CPU_ROUNDS} rounds of ${PLAY_SECONDS} s per file and output`);
      await cpuVersusMpv(bundle.enginePath, cpuFiles, { label: 'null outputs', engineSink: 'null', mpvAo: 'null', env: {} });
      if (['pulseaudio', 'pactl', 'parec'].every(hasCommand)) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-bench-pulse-'));
        const pulse = await startPulseCapture(dir);
        try {
          await cpuVersusMpv(bundle.enginePath, cpuFiles, { label: 'ALSA → PulseAudio null sink', engineSink: 'naudiodon', mpvAo: 'alsa', env: pulse.env });
        } finally {
          await pulse.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      } else {
        progress('no PulseAudio (apt pulseaudio pulseaudio-utils libasound2-plugins): the device comparison is skipped');
      }
    }

    if (wanted('start')) {
      await firstPcm(bundle.enginePath, flac, 'null');
      const capture = createAlsaCapture('playhead-bench-alsa-');
      try {
        await firstPcm(bundle.enginePath, flac, 'naudiodon', capture.env);
      } finally {
        capture.dispose();
      }
    }

    if (wanted('seek')) {
      await seekLatency(bundle.enginePath, flac, 'FLAC', 'null');
      await seekLatency(bundle.enginePath, mp3, 'MP3', 'null');
    }

    if (wanted('rss')) await rssFigures(bundle.enginePath, flac3mTones, flac2h);
  } finally {
    bundle.dispose();
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
