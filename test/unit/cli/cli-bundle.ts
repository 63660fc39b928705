import { spawn } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { buildEngineBundle, EngineBundle } from '../../support/engine-bundle';

/**
 * The CLI as shipped: dist/cli.js with dist/engine.js next to it, built into a temporary
 * folder (engine-bundle.ts makes the engine; the CLI goes beside it, where it looks). Starting
 * bundles takes a fraction of tsx's compile time on a busy machine.
 */
export interface CliBundle {
  readonly cliPath: string;
  run(args: readonly string[], options: RunOptions): Promise<CliRun>;
  /** Starts the CLI and hands back the process, for tests that talk to it while it runs. */
  spawn(args: readonly string[], options: RunOptions): import('node:child_process').ChildProcess;
  dispose(): void;
}

export interface RunOptions {
  /** Folder used as HOME and XDG_CONFIG_HOME, so no test touches the real user's config. */
  readonly home: string;
  readonly timeoutMs?: number;
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function findRepo(): string {
  return path.resolve(__dirname, '..', '..', '..');
}

export function buildCliBundle(): CliBundle {
  const repo = findRepo();
  const engine: EngineBundle = buildEngineBundle();
  const cliPath = path.join(path.dirname(engine.enginePath), 'cli.js');
  esbuild.buildSync({
    entryPoints: [path.join(repo, 'src/cli/main.ts')],
    outfile: cliPath,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    logLevel: 'error',
    external: ['vscode', 'naudiodon', '*.node'],
    mainFields: ['module', 'main'],
    inject: [path.join(repo, 'scripts/import-meta-url.js')],
    define: { 'import.meta.url': 'import_meta_url', 'process.env.PLAYHEAD_BUILD': '"test"' },
  });
  const start = (args: readonly string[], options: RunOptions) =>
    spawn(process.execPath, [cliPath, ...args], {
      env: { ...process.env, ...engine.env, HOME: options.home, XDG_CONFIG_HOME: options.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  return {
    cliPath,
    spawn: start,
    run(args, options) {
      return new Promise((resolve, reject) => {
        const child = start(args, options);
        let stdout = '';
        let stderr = '';
        child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
        child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`playhead ${args.join(' ')} did not finish within ${options.timeoutMs ?? 20_000} ms\n${stderr}`));
        }, options.timeoutMs ?? 20_000);
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr });
        });
      });
    },
    dispose: () => engine.dispose(),
  };
}

/** Reads a canonical WAV header as the engine's wav sink writes it. */
export function wavInfo(bytes: Buffer): { channels: number; sampleRate: number; frames: number } {
  const channels = bytes.readUInt16LE(22);
  return { channels, sampleRate: bytes.readUInt32LE(24), frames: bytes.readUInt32LE(40) / (2 * channels) };
}
