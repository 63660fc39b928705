/**
 * Runs a real VS Code server (code-server's bundled VS Code 1.100.3) on 127.0.0.1 with
 * throwaway user data, and stops it with its whole process group.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { serverMain } from './paths';

export interface ServerOptions {
  /** Extra environment for the server and so for the extension host and its children. */
  readonly env?: NodeJS.ProcessEnv;
  /** Settings written to the user's settings.json before start. */
  readonly settings?: Record<string, unknown>;
  /** Where the server's log goes; kept for failure reports. */
  readonly logFile?: string;
  /** Install this VSIX (see vsix.ts) before starting, as a regular extension. */
  readonly installVsix?: string;
  /** Port to listen on; a free one when omitted. */
  readonly port?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly dataDir: string;
  /** Stops the server; `keepData` leaves its folder (logs, including extension logs) for a post-mortem. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Installs a VSIX with the server's own CLI, as `code --install-extension` does. */
function installVsix(vsix: string, dirs: Record<'user-data' | 'extensions', string>, env: NodeJS.ProcessEnv): void {
  const result = spawnSync(
    process.execPath,
    [serverMain, '--install-extension', vsix, '--force', '--extensions-dir', dirs.extensions, '--user-data-dir', dirs['user-data'], '--server-data-dir', dirs['user-data']],
    { env, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`installing ${path.basename(vsix)} failed: ${(result.stderr || result.stdout).trim()}`);
  }
}

/** Settings that keep a headless test workbench quiet and offline. */
const baseSettings = {
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
};

async function waitForHealth(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`VS Code server exited early with code ${child.exitCode}`);
    }
    try {
      const response = await fetch(`${baseUrl}/version`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`VS Code server did not answer within ${timeoutMs} ms`);
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-vscode-'));
  const dirs = Object.fromEntries(
    ['user-data', 'extensions', 'xdg', 'tmp'].map((name) => {
      const dir = path.join(dataDir, name);
      fs.mkdirSync(dir, { recursive: true });
      return [name, dir];
    }),
  ) as Record<'user-data' | 'extensions' | 'xdg' | 'tmp', string>;
  const settingsDir = path.join(dirs['user-data'], 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ ...baseSettings, ...options.settings }, null, 2));

  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdg,
    XDG_DATA_HOME: dirs.xdg,
    TMPDIR: dirs.tmp,
    VSCODE_AGENT_FOLDER: dirs['user-data'],
    ...options.env,
  };
  if (options.installVsix) {
    installVsix(options.installVsix, dirs, env);
  }
  const port = options.port ?? (await freePort());
  const log = fs.openSync(options.logFile ?? path.join(dataDir, 'server.log'), 'w');
  const child = spawn(
    process.execPath,
    [
      serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      // Without it VS Code >= 1.10x ignores the test payload in the URL (platform facts §1).
      '--enable-smoke-test-driver',
      '--disable-workspace-trust',
      '--disable-telemetry',
      '--user-data-dir', dirs['user-data'],
      '--server-data-dir', dirs['user-data'],
      '--extensions-dir', dirs.extensions,
      // Debug lines in every log, Playhead's among them (engine output, first-PCM times, device
      // events), for failure reports: `--log playhead.playhead:debug` does not reach a web
      // window's extension host log.
      '--log', 'debug',
    ],
    {
      detached: true, // own process group, so stop() reaches the extension host and its children
      stdio: ['ignore', log, log],
      env,
    },
  );
  fs.closeSync(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (stopOptions: { keepData?: boolean } = {}) => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killed = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
      if (!killed) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    }
    if (!stopOptions.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, child, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, baseUrl, dataDir, stop };
}
