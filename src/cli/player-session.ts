import * as path from 'node:path';
import { userConfigDir } from '../base/config-dir';
import { JsonFileStore } from '../base/json-file-store';
import type { EngineError } from '../engine/api';
import type { EngineClient } from '../engine/client';
import type { IDisposable } from '../base/lifecycle';
import { PlaybackClaim, Player, pauseWhenOthersPlay, type ReplayGainMode } from '../player';
import type { CliIO } from './command';
import { createCliEngine } from './engine-setup';
import { CliEngineView } from './cli-engine-view';

export interface PlayerSessionOptions {
  readonly sink: string;
  readonly device?: string | undefined;
  readonly io: CliIO;
  readonly verbose?: boolean;
  /** Start the first track this far in (`play --start`). */
  readonly startMs?: number;
  /** `play --replaygain`; off when not given. */
  readonly replayGain?: ReplayGainMode;
}

/** How long shutting down may wait for the engine before giving up on it. */
const shutdownBudgetMs = 3000;

/**
 * The engine process, the player and the state file of one CLI run, opened together and
 * closed in the right order: stop (so a WAV output gets its final header), let the engine
 * finish, save the state, then end the engine process.
 */
export class PlayerSession {
  private closed = false;

  private constructor(
    readonly engine: EngineClient,
    readonly player: Player,
    private readonly store: JsonFileStore,
    private readonly firstOutputError: () => EngineError | undefined,
    /** Pauses this run when a VS Code window starts playing (and vice versa). Only when heard,
     * and only at a terminal, where a key resumes it: a script's run must not sit paused. */
    private readonly oneAtATime: IDisposable | undefined,
  ) {}

  /** The first output error (device or file could not be opened): exit code noOutput. */
  get outputError(): EngineError | undefined {
    return this.firstOutputError();
  }

  static async open(options: PlayerSessionOptions): Promise<PlayerSession> {
    const { io } = options;
    const store = await JsonFileStore.open(path.join(userConfigDir('playhead'), 'state.json'), {
      log: (message) => io.stderr.write(`playhead: ${message}\n`),
    });
    const engine = createCliEngine(options);
    try {
      await engine.start();
    } catch (error) {
      engine.dispose();
      store.dispose();
      throw new Error(`could not start the audio engine: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    // Subscribed before the player, so the output error is known when the player reacts to it.
    let outputError: EngineError | undefined;
    engine.onError((error) => {
      if (error.kind === 'output') outputError ??= error;
    });
    const player = new Player({
      engine: new CliEngineView(engine, {
        ...(options.startMs !== undefined ? { firstStartMs: options.startMs } : {}),
        holdUntilPreload: options.sink.startsWith('wav:'),
      }),
      store,
      replayGain: () => options.replayGain ?? 'off',
      log: (message) => {
        if (options.verbose) io.stderr.write(`playhead: player: ${message}\n`);
      },
    });
    return new PlayerSession(engine, player, store, () => outputError, sounding(options.sink) && io.stdin.isTTY === true ? oneAtATime(player, io) : undefined);
  }

  /** Stops playback, saves the state and shuts the engine process down. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.player.state !== 'stopped') await withTimeout(this.player.stop(), shutdownBudgetMs);
      await withTimeout(this.player.whenEngineIdle(), shutdownBudgetMs);
      await withTimeout(this.player.flush(), shutdownBudgetMs);
    } finally {
      this.oneAtATime?.dispose();
      this.player.dispose();
      this.engine.dispose();
      await withTimeout(this.store.flush(), shutdownBudgetMs);
      this.store.dispose();
    }
  }
}

/** Whether the sink is heard (a device or a command-line player), not a file or nothing. */
function sounding(sink: string): boolean {
  return sink !== 'null' && !sink.startsWith('wav:');
}

/** Like VS Code windows: one player sounds at a time; starting here pauses them, and theirs pauses this. */
function oneAtATime(player: Player, io: CliIO): IDisposable {
  const claim = new PlaybackClaim(path.join(userConfigDir('playhead'), 'now-playing.json'), 'playhead command line', (message) => io.stderr.write(`playhead: ${message}\n`));
  const wiring = pauseWhenOthersPlay(player, claim, {
    enabled: () => true,
    onPaused: (by) => io.stderr.write(`\nplayhead: paused, ${by.label} started playing (space resumes)\n`),
  });
  return {
    dispose() {
      wiring.dispose();
      claim.dispose();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
