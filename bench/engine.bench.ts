/**
 * Audio engine benchmarks (issue 4). `npx tsx bench/engine.bench.ts`
 *
 *  - CPU of the engine process while playing a 44.1 kHz stereo MP3 and FLAC in real time
 *    (null sink), side by side with mpv playing the same file at the same time to its own
 *    real-time null output (`--ao=null`, which is clocked like a device). Target ≤ 1.0× mpv.
 *  - Time from play to the first PCM handed to the sink (engine side), for a loaded local
 *    file, with the null sink and with naudiodon into the ALSA file device. Target ≤ 20 ms.
 *  - Engine RSS while playing (and seeking through) a 3-minute and a 2-hour FLAC.
 *    Target ≤ 80 MB each and within 5 MB of each other.
 *
 * The engine is the bundled artifact (as dist/engine.js is built), in its own process.
 * Media are generated once with ffmpeg into bench/.cache/ (the 2-hour FLAC takes ~20 s).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../src/engine/client';
import { createAlsaCapture } from '../test/support/alsa-capture';
import { buildEngineBundle } from '../test/support/engine-bundle';
import { median, progress, reportFigure, round } from './lib/bench-report';

const cache = path.resolve(__dirname, '.cache');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLOCK_TICKS = 100; // USER_HZ on Linux
const PLAY_SECONDS = 20;

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

/** User + system CPU seconds of a process so far. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

function newClient(enginePath: string, extra: { sink: string; env?: NodeJS.ProcessEnv }, log?: (m: string) => void): EngineClient {
  return new EngineClient({ enginePath, sink: extra.sink, ...(extra.env ? { env: extra.env } : {}), log: (_level, message) => log?.(message) });
}

async function cpuVersusMpv(enginePath: string, file: string, label: string): Promise<void> {
  progress(`CPU: ${label}, engine and mpv side by side for ${PLAY_SECONDS} s`);
  const client = newClient(enginePath, { sink: 'null' });
  const mpv = spawn('mpv', ['--no-config', '--really-quiet', '--no-terminal', '--no-video', '--ao=null', file], { stdio: 'ignore' });
  try {
    await client.start();
    await client.load({ id: label, uri: file }, { autoplay: true });
    const enginePid = client.pid!;
    // Skip start-up (process and wasm compilation on both sides); measure steady playback.
    await sleep(1500);
    const e0 = cpuSeconds(enginePid);
    const m0 = cpuSeconds(mpv.pid!);
    await sleep(PLAY_SECONDS * 1000);
    const engineCpu = cpuSeconds(enginePid) - e0;
    const mpvCpu = cpuSeconds(mpv.pid!) - m0;
    const enginePct = (engineCpu / PLAY_SECONDS) * 100;
    const mpvPct = (mpvCpu / PLAY_SECONDS) * 100;
    progress(`  engine ${enginePct.toFixed(2)} % of a core, mpv ${mpvPct.toFixed(2)} %`);
    const ratio = mpvCpu > 0 ? engineCpu / mpvCpu : Number.POSITIVE_INFINITY;
    reportFigure({
      group: 'engine',
      name: `cpu playing ${label} vs mpv`,
      value: round(enginePct),
      unit: '% core',
      target: '≤ 1.0× mpv',
      ratio: round(ratio),
      ok: ratio <= 1.0,
      note: `mpv --ao=null ${round(mpvPct)} % core; engine null sink; same file, same ${PLAY_SECONDS} s`,
    });
  } finally {
    mpv.kill('SIGTERM');
    client.dispose();
  }
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
    note: 'median of 7 seeks while playing (flush, decoder seek, first write); heard after the device queue (~95 ms naudiodon, ~100 ms null)',
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
  try {
    await cpuVersusMpv(bundle.enginePath, mp3, 'MP3 44.1 kHz stereo 192k');
    await cpuVersusMpv(bundle.enginePath, flac, 'FLAC 44.1 kHz stereo');

    await firstPcm(bundle.enginePath, flac, 'null');
    const capture = createAlsaCapture('playhead-bench-alsa-');
    try {
      await firstPcm(bundle.enginePath, flac, 'naudiodon', capture.env);
    } finally {
      capture.dispose();
    }

    await seekLatency(bundle.enginePath, flac, 'FLAC', 'null');
    await seekLatency(bundle.enginePath, mp3, 'MP3', 'null');

    progress('RSS while playing and seeking: 3-minute FLAC, then 2-hour FLAC');
    const short = await rssWhilePlaying(bundle.enginePath, flac3mTones, 180_000);
    const long = await rssWhilePlaying(bundle.enginePath, flac2h, 7_200_000);
    const mb = (bytes: number) => bytes / 1024 / 1024;
    for (const [name, bytes] of [['3-minute', short], ['2-hour', long]] as const) {
      reportFigure({
        group: 'engine',
        name: `peak RSS playing a ${name} FLAC`,
        value: round(mb(bytes)),
        unit: 'MB',
        target: '≤ 80 MB',
        ratio: round(mb(bytes) / 80),
        ok: mb(bytes) <= 80,
        note: 'engine process VmRSS sampled every 100 ms while playing 3 s and seeking to 50 %, 90 %, 99.9 %',
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
    });
  } finally {
    bundle.dispose();
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
