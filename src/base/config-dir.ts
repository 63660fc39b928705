import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The per-user folder for an app's settings and state, following each platform's convention:
 * `$XDG_CONFIG_HOME/<app>` (default `~/.config/<app>`) on Linux and other Unixes,
 * `~/Library/Application Support/<app>` on macOS, `%APPDATA%\<app>` on Windows. Only computes
 * the path; creating it is the writer's job (JsonFileStore creates missing folders).
 */
export function userConfigDir(
  app: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    const appData = env.APPDATA && path.win32.isAbsolute(env.APPDATA) ? env.APPDATA : path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, app);
  }
  if (platform === 'darwin') {
    return path.posix.join(home, 'Library', 'Application Support', app);
  }
  // XDG: a relative value is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME && path.posix.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.posix.join(home, '.config');
  return path.posix.join(xdg, app);
}
