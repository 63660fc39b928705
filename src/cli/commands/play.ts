import { DisposableStore, toDisposable } from '../../base/lifecycle';
import { resolvePlayInputs } from '../../library/resolve-inputs';
import { repeatModes, replayGainModes, type RepeatMode, type ReplayGainMode } from '../../player';
import { CliCommand, CliIO, ExitCode, numberFlag, parseArgs, UsageError } from '../command';
import { sinkForOutput } from '../engine-setup';
import { KeyAction, KeyControls } from '../key-controls';
import { NowPlayingView } from '../now-playing';
import { PlayerSession } from '../player-session';

const usage = `Usage: playhead play PATH|URL... [options]

Play folders (scanned recursively), audio files, playlists (.m3u8, .m3u, .pls) and http(s)
URLs, in the order given, to the end of the queue; then exit.

On a terminal a live line shows the track and position, and keys control playback:
  space  pause / resume      ← →  seek 10 s back / forward
  n      next track          p    previous track (or restart the track)
  q      quit                Ctrl-C  stop and quit

Options:
  --output OUT       default (the sound card), null (discard, paced in real time) or
                     wav:FILE (write exactly what would be played to FILE, as fast as it decodes)
  --device NAME      output device (see \`playhead devices\`; exact name or part of it)
  --shuffle          play in random order
  --repeat MODE      off (default), all or one
  --start SECONDS    begin the first track this far in
  --replaygain MODE  track (default: each track at its ReplayGain level), album, or off
  --verbose          also print the engine's and player's diagnostics

Exit codes: 0 played to the end (or q), 2 wrong arguments, 3 nothing playable,
4 the output could not be opened, 130 interrupted (Ctrl-C).
`;

/** 128 + SIGINT, what shells expect from a program stopped by Ctrl-C. */
const interruptedExitCode = 130;
const seekStepMs = 10_000;

type Outcome = 'ended' | 'all-failed' | 'no-output' | 'quit' | 'interrupted';

export const playCommand: CliCommand = {
  name: 'play',
  summary: 'Play folders, files, playlists or URLs to the end, with keys on a terminal',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, { output: 'value', device: 'value', shuffle: 'boolean', repeat: 'value', start: 'value', replaygain: 'value', verbose: 'boolean' });
    if (parsed.positionals.length === 0) throw new UsageError('expected at least one PATH or URL');
    const sink = sinkForOutput(parsed.flags.get('output'));
    const device = parsed.flags.get('device');
    const repeat = parsed.flags.get('repeat') ?? 'off';
    if (!repeatModes.includes(repeat as RepeatMode)) throw new UsageError(`--repeat must be off, all or one, got ${String(repeat)}`);
    const replayGain = parsed.flags.get('replaygain') ?? 'track';
    if (!replayGainModes.includes(replayGain as ReplayGainMode)) throw new UsageError(`--replaygain must be track, album or off, got ${String(replayGain)}`);
    const startSeconds = numberFlag(parsed, 'start', 0)!;
    if (startSeconds < 0) throw new UsageError('--start must be ≥ 0');

    const scan = new AbortController();
    void io.interrupted.then(() => scan.abort(new Error('interrupted')));
    let found;
    try {
      found = await resolvePlayInputs(parsed.positionals, { signal: scan.signal });
    } catch (error) {
      if (scan.signal.aborted) return interruptedExitCode;
      throw error;
    }
    for (const skipped of found.skipped) io.stderr.write(`playhead play: skipped ${skipped.path}: ${skipped.reason}\n`);
    if (found.tracks.length === 0) {
      io.stderr.write(`playhead play: nothing playable in ${parsed.positionals.join(', ')}\n`);
      return ExitCode.badInput;
    }

    const session = await PlayerSession.open({
      sink,
      device: typeof device === 'string' ? device : undefined,
      io,
      verbose: parsed.flags.has('verbose'),
      startMs: startSeconds * 1000,
      replayGain: replayGain as ReplayGainMode,
    });
    try {
      const { player } = session;
      player.setRepeat(repeat as RepeatMode);
      player.setShuffle(parsed.flags.has('shuffle'));
      player.clear();
      player.add(found.tracks);
      const outcome = await playToEnd(session, io);
      return exitCodeFor(outcome, session, io);
    } finally {
      await session.close();
    }
  },
};

async function playToEnd(session: PlayerSession, io: CliIO): Promise<Outcome> {
  const { player, engine } = session;
  const owned = new DisposableStore();
  try {
    let finish!: (outcome: Outcome) => void;
    const finished = new Promise<Outcome>((resolve) => (finish = resolve));
    owned.add(
      player.onDidChangeState((change) => {
        if (change.to !== 'stopped') return;
        if (change.cause === 'end-of-queue') finish('ended');
        else if (change.cause === 'all-failed') finish(session.outputError ? 'no-output' : 'all-failed');
      }),
    );
    // The output failing fails every track the same way: stop at the first, not after all.
    owned.add(engine.onError((error) => error.kind === 'output' && finish('no-output')));
    void io.interrupted.then(() => finish('interrupted'));

    const stdout = io.stdout as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
    const view = owned.add(
      new NowPlayingView(player, {
        live: stdout.isTTY === true,
        write: (text) => stdout.write(text),
        warn: (text) => io.stderr.write(`playhead play: ${text}\n`),
        columns: () => stdout.columns,
      }),
    );
    const keys = KeyControls.attach(io.stdin, (action) => onKey(action, session, finish));
    if (keys) {
      owned.add(keys);
      io.stderr.write('keys: space pause/resume, ←/→ seek 10 s, n next, p previous, q quit\n');
    }
    owned.add(toDisposable(() => view.clearLine()));

    const started = await player.play();
    if (!started.ok) {
      io.stderr.write(`playhead play: ${started.message}\n`);
      return 'all-failed';
    }
    return await finished;
  } finally {
    owned.dispose();
  }
}

function onKey(action: KeyAction, session: PlayerSession, finish: (outcome: Outcome) => void): void {
  const { player } = session;
  switch (action) {
    case 'toggle':
      void player.toggle();
      break;
    case 'back':
      void player.seekBy(-seekStepMs);
      break;
    case 'forward':
      void player.seekBy(seekStepMs);
      break;
    case 'next':
      // At the last track Next has nothing to go to; like most players, that ends the queue.
      void player.next().then((result) => !result.ok && result.reason === 'no-next' && finish('ended'));
      break;
    case 'previous':
      void player.previous();
      break;
    case 'quit':
      finish('quit');
      break;
    case 'interrupt':
      finish('interrupted');
      break;
  }
}

function exitCodeFor(outcome: Outcome, session: PlayerSession, io: CliIO): number {
  switch (outcome) {
    case 'ended':
    case 'quit':
      return ExitCode.ok;
    case 'interrupted':
      return interruptedExitCode;
    case 'no-output':
      io.stderr.write(`playhead play: the output could not be opened: ${session.outputError?.message ?? 'unknown error'}\n`);
      return ExitCode.noOutput;
    case 'all-failed':
      return ExitCode.badInput;
  }
}
