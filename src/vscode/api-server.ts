import * as vscode from 'vscode';
import { ApiServer } from '../api/server';
import { generateToken } from '../api/token';
import type { PlaylistSummary } from '../api/routes';
import { defaultPlaylistFolder, PlaylistStore } from '../library/playlists/store';
import type { Player } from '../player';
import type { Log } from './log';

/** Where the token lives in VS Code's SecretStorage (the OS keychain), never in settings. */
const tokenSecretKey = 'playhead.api.token';
const defaultPort = 8765;

/**
 * The optional REST API inside the extension host. Off unless `playhead.api.enabled`; listens
 * on 127.0.0.1:`playhead.api.port` with a token generated once and kept in SecretStorage.
 * Registers "Playhead: Copy API Token". Restarts when the settings change; the returned
 * disposable stops the server and unregisters everything.
 */
export function startApiServer(player: Player, log: Log, context: vscode.ExtensionContext): vscode.Disposable {
  const subscriptions: vscode.Disposable[] = [];
  let server: ApiServer | undefined;
  let disposed = false;
  // Starts and stops run one after another, so a quick on/off/on never leaves two servers.
  let transition: Promise<void> = Promise.resolve();

  // One lookup at a time: the server starting and "Copy API Token" at once must not each
  // generate (and store) a different token.
  let pendingToken: Promise<string> | undefined;
  const token = (): Promise<string> => {
    pendingToken ??= (async () => {
      const stored = await context.secrets.get(tokenSecretKey);
      if (stored) return stored;
      const fresh = generateToken();
      await context.secrets.store(tokenSecretKey, fresh);
      return fresh;
    })().finally(() => (pendingToken = undefined));
    return pendingToken;
  };

  const stop = () => {
    if (server) {
      server.dispose();
      server = undefined;
      log.info('[api] stopped');
    }
  };

  const apply = () => {
    transition = transition.then(async () => {
      stop();
      const config = vscode.workspace.getConfiguration('playhead.api');
      if (disposed || !config.get<boolean>('enabled', false)) return;
      const port = config.get<number>('port', defaultPort);
      try {
        const started = await ApiServer.listen({
          player,
          token: await token(),
          port,
          listPlaylists: workspacePlaylists,
          log: (message) => log.warn(`[api] ${message}`),
        });
        if (disposed) {
          started.dispose();
          return;
        }
        server = started;
        log.info(`[api] listening on ${started.url}`);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'EADDRINUSE' ? `port ${port} is already in use` : error instanceof Error ? error.message : String(error);
        log.error(`[api] could not start: ${reason}`);
        void vscode.window.showWarningMessage(`Playhead API could not start: ${reason}. Change "playhead.api.port" or turn the API off.`);
      }
    });
  };

  subscriptions.push(
    vscode.commands.registerCommand('playhead.copyApiToken', async () => {
      await vscode.env.clipboard.writeText(await token());
      const enabled = vscode.workspace.getConfiguration('playhead.api').get<boolean>('enabled', false);
      void vscode.window.showInformationMessage(
        enabled ? 'Playhead API token copied to the clipboard.' : 'Playhead API token copied to the clipboard. The API is off: turn on "playhead.api.enabled" to use it.',
      );
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('playhead.api')) apply();
    }),
  );
  apply();

  return new vscode.Disposable(() => {
    disposed = true;
    stop();
    for (const subscription of subscriptions) subscription.dispose();
  });
}

/** Playlists in every workspace folder's `.vscode/playlists`, as the Playlists view shows them. */
async function workspacePlaylists(): Promise<PlaylistSummary[]> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const lists = await Promise.all(
    folders
      .filter((folder) => folder.uri.scheme === 'file')
      .map(async (folder) => {
        const store = new PlaylistStore(defaultPlaylistFolder(folder.uri.fsPath));
        try {
          return await store.list();
        } catch {
          return []; // an unreadable folder hides its playlists, not everyone's
        } finally {
          store.dispose();
        }
      }),
  );
  return lists.flat().map(({ name, path, format }) => ({ name, path, format }));
}
