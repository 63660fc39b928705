import * as path from 'node:path';
import { ApiServer } from '../../api/server';
import { minTokenLength } from '../../api/token';
import { userConfigDir } from '../../base/config-dir';
import { DisposableStore } from '../../base/lifecycle';
import { PlaylistStore } from '../../library/playlists/store';
import { resolvePlayInputs } from '../../library/resolve-inputs';
import { CliCommand, ExitCode, numberFlag, parseArgs, UsageError } from '../command';
import { sinkForOutput } from '../engine-setup';
import { PlayerSession } from '../player-session';
import { readOrCreateTokenFile } from '../token-file';

const defaultPort = 8765;

const usage = `Usage: playhead serve [PATH|URL...] [options]

Run a player with the local REST API until Ctrl-C. PATHs (folders, files, playlists, URLs)
are queued first. The API listens on 127.0.0.1 only and needs the token on every request:

  curl -H "Authorization: Bearer $(cat TOKEN_FILE)" http://127.0.0.1:${defaultPort}/api/v1/player/status

The endpoints are described at /api/v1/openapi.json.

Options:
  --port N           port on 127.0.0.1 (default ${defaultPort}; 0 picks a free one)
  --token T          the token (at least 16 characters). Without it the token is read from
                     the token file, created with a random token on first use; prefer the
                     file: a token on the command line is visible to other local users
  --output OUT       default, null or wav:FILE (as for \`playhead play\`)
  --device NAME      output device
  --playlists DIR    serve the playlists in DIR at /api/v1/playlists (default: none)
  --play             start playing the queued PATHs at once
  --verbose          also print the engine's and player's diagnostics

Exit codes: 0 stopped by Ctrl-C, 1 the server could not start (e.g. the port is taken),
2 wrong arguments.
`;

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run a player controlled by the local REST API (127.0.0.1, bearer token)',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, {
      port: 'value',
      token: 'value',
      output: 'value',
      device: 'value',
      playlists: 'value',
      play: 'boolean',
      verbose: 'boolean',
    });
    const port = numberFlag(parsed, 'port', defaultPort)!;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port needs a whole number from 0 to 65535');
    const sink = sinkForOutput(parsed.flags.get('output'));
    const device = parsed.flags.get('device');
    const playlistsFlag = parsed.flags.get('playlists');
    const playlists = typeof playlistsFlag === 'string' ? new PlaylistStore(path.resolve(playlistsFlag)) : undefined;

    const tokenFlag = parsed.flags.get('token');
    let token: string;
    let tokenSource: string;
    if (typeof tokenFlag === 'string') {
      if (tokenFlag.length < minTokenLength) throw new UsageError(`--token must be at least ${minTokenLength} characters`);
      token = tokenFlag;
      tokenSource = 'the token given with --token';
    } else {
      const file = path.join(userConfigDir('playhead'), 'api-token');
      const read = await readOrCreateTokenFile(file);
      token = read.token;
      tokenSource = `${read.created ? 'a new token written to' : 'the token in'} ${file}`;
    }

    const scan = new AbortController();
    void io.interrupted.then(() => scan.abort(new Error('interrupted')));
    let found;
    try {
      found = await resolvePlayInputs(parsed.positionals, { signal: scan.signal });
    } catch (error) {
      if (scan.signal.aborted) return ExitCode.ok; // Ctrl-C while scanning: nothing started yet
      throw error;
    }
    for (const skipped of found.skipped) io.stderr.write(`playhead serve: skipped ${skipped.path}: ${skipped.reason}\n`);

    const session = await PlayerSession.open({ sink, device: typeof device === 'string' ? device : undefined, io, verbose: parsed.flags.has('verbose') });
    const owned = new DisposableStore();
    if (playlists) owned.add(playlists);
    try {
      const { player } = session;
      let server: ApiServer;
      try {
        server = await ApiServer.listen({
          player,
          token,
          port,
          ...(playlists ? { listPlaylists: () => playlists.list() } : {}),
          log: (message) => io.stderr.write(`playhead serve: ${message}\n`),
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is already in use (choose another with --port)` : error instanceof Error ? error.message : String(error);
        io.stderr.write(`playhead serve: could not start the API: ${reason}\n`);
        return ExitCode.failure;
      }
      owned.add(server);
      // Each problem once: snapshots repeat the last error until a new one replaces it.
      let lastErrorAt: number | undefined;
      owned.add(
        player.onDidChangeSnapshot(({ error }) => {
          if (error && error.at !== lastErrorAt) {
            lastErrorAt = error.at;
            io.stderr.write(`playhead serve: ${error.message}\n`);
          }
        }),
      );
      if (found.tracks.length > 0) {
        player.clear();
        player.add(found.tracks);
        if (parsed.flags.has('play')) await player.play();
      }
      io.stderr.write(`Playhead API listening on ${server.url} (Ctrl-C to stop)\nUsing ${tokenSource}\n`);
      await io.interrupted;
      io.stderr.write('playhead serve: stopping\n');
      return ExitCode.ok;
    } finally {
      // The API first, so no request reaches a player that is shutting down.
      owned.dispose();
      await session.close();
    }
  },
};
