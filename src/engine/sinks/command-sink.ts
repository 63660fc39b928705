import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trackChildProcess } from '../../diagnostics/tracked';
import { AudioSink, PcmFormat, framesOf } from './sink';

/**
 * The fallback when naudiodon cannot load: pipe raw s16le into a command-line player found on
 * PATH. The player's own buffering is unknown, so the position assumes ~200 ms between what
 * was written and what is heard, and at most the 64 KiB pipe + 500 ms.
 *
 * afplay (macOS) cannot read raw PCM from a pipe, so it is not a candidate; on macOS
 * naudiodon's CoreAudio build is the way.
 */

interface PlayerCommand {
  readonly command: string;
  args(format: PcmFormat): string[];
  /** False when the player is installed but cannot work here (no sound server running). */
  usable?(): boolean;
}

function runtimeDir(): string {
  return process.env.XDG_RUNTIME_DIR || `/run/user/${process.getuid?.() ?? 0}`;
}

/** A PulseAudio server (or PipeWire's pulse layer) is reachable: paplay would otherwise exit 1. */
function pulseReachable(): boolean {
  if (process.env.PULSE_SERVER) return true;
  return [path.join(runtimeDir(), 'pulse/native'), '/var/run/pulse/native', '/run/pulse/native'].some((p) => fs.existsSync(p));
}

const PLAYERS: readonly PlayerCommand[] = [
  {
    command: 'pw-play',
    args: (f) => ['--format', 's16', '--rate', String(f.sampleRate), '--channels', String(f.channels), '-'],
    usable: () => fs.existsSync(path.join(runtimeDir(), 'pipewire-0')),
  },
  { command: 'paplay', args: (f) => ['--raw', '--format=s16le', `--rate=${f.sampleRate}`, `--channels=${f.channels}`], usable: pulseReachable },
  { command: 'aplay', args: (f) => ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(f.sampleRate), '-c', String(f.channels), '-'] },
  {
    command: 'ffplay',
    args: (f) => ['-nodisp', '-autoexit', '-loglevel', 'error', '-f', 's16le', '-ar', String(f.sampleRate), '-ch_layout', f.channels === 1 ? 'mono' : 'stereo', '-i', '-'],
  },
];

export const INSTALL_HINT =
  'No other way to reach the speakers either: none of pw-play, paplay (with a running sound server), aplay or ffplay is on PATH. ' +
  'Install one of them (Debian/Ubuntu: `sudo apt install alsa-utils` for aplay, or `pulseaudio-utils` for paplay).';

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The first player on PATH that can work here, or undefined. PLAYHEAD_PIPE_PLAYER (a command
 * name from the list) forces one, for tests and for users whose first choice misbehaves.
 */
export function findPlayerCommand(): { player: PlayerCommand; path: string } | undefined {
  const forced = process.env.PLAYHEAD_PIPE_PLAYER;
  for (const player of PLAYERS) {
    if (forced ? player.command !== forced : player.usable && !player.usable()) continue;
    const found = onPath(player.command);
    if (found) return { player, path: found };
  }
  return undefined;
}

const ASSUMED_LATENCY_MS = 200;
/** aplay/paplay/pw-play buffer up to about this much themselves. */
const MAX_PLAYER_BUFFER_MS = 500;

export class CommandSink implements AudioSink {
  readonly name: string;
  readonly needsContinuousFeed = true;
  readonly writeFrames: number;
  private readonly child: ChildProcess;
  private written = 0;
  private anchorTime = performance.now();
  private anchorFrame = 0;
  private readonly latencyFrames: number;
  private readonly maxAheadFrames: number;
  private failure: Error | undefined;
  private closed = false;

  constructor(readonly format: PcmFormat) {
    const found = findPlayerCommand();
    if (!found) throw new Error(INSTALL_HINT);
    this.name = found.player.command;
    this.writeFrames = Math.round(format.sampleRate / 40);
    this.latencyFrames = Math.round((ASSUMED_LATENCY_MS * format.sampleRate) / 1000);
    this.maxAheadFrames = Math.round(65_536 / (format.channels * 2) + (MAX_PLAYER_BUFFER_MS * format.sampleRate) / 1000);
    this.child = spawn(found.path, found.player.args(format), { stdio: ['pipe', 'ignore', 'pipe'] });
    trackChildProcess(this.child, 'CommandSink');
    this.child.stderr?.resume();
    this.child.on('error', (error) => (this.failure = error));
    this.child.on('exit', (code, signal) => {
      if (!this.closed) this.failure = new Error(`${this.name} exited (${signal ?? code})`);
    });
    this.child.stdin?.on('error', (error) => (this.failure ??= error));
  }

  get writtenFrames(): number {
    return this.written;
  }

  consumedFrames(): number {
    // The player is paced by its device, whose buffering we cannot ask about. A clock bounded
    // by what was written is the guess; the OS pipe plus the player's buffer cannot hold more
    // than `maxAheadFrames`, which is a floor (and tracks devices faster than real time).
    const now = performance.now();
    const byClock = this.anchorFrame + ((now - this.anchorTime) * this.format.sampleRate) / 1000;
    const floor = this.written - this.maxAheadFrames;
    const ceiling = this.written - this.latencyFrames;
    let consumed = Math.min(ceiling, byClock);
    if (consumed < floor) consumed = floor;
    if (consumed !== byClock) {
      this.anchorFrame = consumed;
      this.anchorTime = now;
    }
    return Math.max(0, Math.floor(consumed));
  }

  async write(pcm: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const stdin = this.child.stdin;
    if (!stdin || this.closed) return;
    this.written += framesOf(pcm.length, this.format.channels);
    // The stream queues the buffer until the pipe takes it; the caller reuses `pcm` after us.
    if (!stdin.write(Buffer.from(pcm))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stdin.off('drain', done);
          this.child.off('exit', done);
          resolve();
        };
        stdin.on('drain', done);
        this.child.on('exit', done);
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.child.stdin?.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}
