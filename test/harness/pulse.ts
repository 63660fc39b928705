/**
 * Real-time audio without a sound card, for the layers that act as a person would: a private
 * PulseAudio with a null sink (clocked, unlike ALSA's file device which runs ~64x real time),
 * ALSA's default device routed to it (so naudiodon/PortAudio plays there untouched), and
 * `parec` recording the sink's monitor into a raw file the tests analyse (platform facts §3).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CAPTURE_RATE = 44_100;
export const CAPTURE_CHANNELS = 2;

export interface PulseCapture {
  /** Environment for the process tree whose audio should be captured (HOME, PULSE_SERVER). */
  readonly env: NodeJS.ProcessEnv;
  /** Interleaved s16le stereo at 44.1 kHz, growing while audio plays. */
  readonly captureFile: string;
  /** PulseAudio's own log (underruns, clients connecting), for failure reports. */
  readonly logFile: string;
  /** The sound server's process, for tests that make it hang (SIGSTOP) and come back (SIGCONT). */
  readonly serverPid: number;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startPulseCapture(dir: string): Promise<PulseCapture> {
  const home = path.join(dir, 'home');
  const runtime = path.join(dir, 'run');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(runtime, { recursive: true });
  fs.writeFileSync(path.join(home, '.asoundrc'), 'pcm.!default { type pulse }\nctl.!default { type pulse }\n');
  const socket = path.join(runtime, 'native');
  const env = { ...process.env, HOME: home, PULSE_RUNTIME_PATH: runtime, PULSE_SERVER: `unix:${socket}` };
  const logFile = path.join(dir, 'pulseaudio.log');
  const log = fs.openSync(logFile, 'w');
  const daemon = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--use-pid-file=no',
      '--log-target=stderr',
      `--load=module-native-protocol-unix auth-anonymous=1 socket=${socket}`,
      `--load=module-null-sink sink_name=playhead rate=${CAPTURE_RATE} channels=${CAPTURE_CHANNELS}`,
    ],
    { env, stdio: ['ignore', log, log], detached: true },
  );
  fs.closeSync(log);
  const deadline = Date.now() + 10_000;
  while (spawnSync('pactl', ['info'], { env, stdio: 'ignore' }).status !== 0) {
    if (daemon.exitCode !== null || Date.now() > deadline) {
      daemon.kill('SIGKILL');
      throw new Error(`PulseAudio did not start (see ${logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const captureFile = path.join(dir, 'capture.raw');
  const recorder = spawn(
    'parec',
    ['-d', 'playhead.monitor', '--format=s16le', `--rate=${CAPTURE_RATE}`, `--channels=${CAPTURE_CHANNELS}`, '--raw', '--latency-msec=20', captureFile],
    { env, stdio: 'ignore' },
  );
  return {
    env: { HOME: home, PULSE_SERVER: env.PULSE_SERVER },
    captureFile,
    logFile,
    serverPid: daemon.pid!,
    async stop() {
      recorder.kill('SIGTERM');
      await waitForExit(recorder, 2000);
      daemon.kill('SIGTERM');
      await waitForExit(daemon, 3000);
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
    },
  };
}
