import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Bundles src/engine/main.ts the way esbuild.js does for dist/engine.js, into a temporary
 * folder, for tests and benchmarks that need the real artifact's start-up time (tsx compiles
 * on every start, which takes most of a second on a busy machine). Native code stays external;
 * the bundle finds naudiodon through PLAYHEAD_NATIVE_DIR or node_modules (pass `nativeDir`).
 */
function findRepo(): string {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'src/engine/main.ts'))) return dir;
  }
  return process.cwd();
}
const repo = findRepo();

export interface EngineBundle {
  readonly enginePath: string;
  /** Environment the engine needs to find naudiodon from the temporary folder. */
  readonly env: { PLAYHEAD_NATIVE_DIR: string };
  dispose(): void;
}

export function buildEngineBundle(): EngineBundle {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-engine-bundle-'));
  const enginePath = path.join(dir, 'engine.js');
  bundleLikeDist(path.join(repo, 'src/engine/main.ts'), enginePath);
  // Copy wasm or other assets esbuild left as files next to the bundle, if any.
  return {
    enginePath,
    env: { PLAYHEAD_NATIVE_DIR: path.join(repo, 'node_modules/naudiodon/build/Release') },
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Bundles `entry` (a .ts file) into `outfile` as CommonJS with the options esbuild.js uses for
 * the Node bundles in dist/ (music-metadata and the rest bundled in, native code external).
 */
export function bundleLikeDist(entry: string, outfile: string): void {
  esbuild.buildSync({
    entryPoints: [entry],
    outfile,
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
}
