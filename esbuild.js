// @ts-check
/**
 * Builds Playhead's bundles. One process, several targets:
 *   dist/extension.js   extension host (CommonJS; `vscode` and native code external)
 *   dist/engine.js      audio engine child process (plain Node)
 *   dist/cli.js         the `playhead` command line
 *   dist/webview/*      the webview UI (browser)
 *   out/test/**         tests that run inside a real VS Code (with --tests)
 *
 *   node esbuild.js [--production] [--watch] [--tests] [--only=engine,cli,...]
 */
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const argv = process.argv.slice(2);
const args = new Set(argv);
/** `--only=a,b` builds just the targets whose names start with a or b (fast iteration). */
const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests') || watch;

const root = __dirname;
const HOST_BUDGET_BYTES = 1.5 * 1024 * 1024;

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? 'linked' : 'inline',
  sourcesContent: !production,
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
  define: { 'process.env.PLAYHEAD_BUILD': JSON.stringify(production ? 'production' : 'development') },
};

/** @type {import('esbuild').BuildOptions} */
const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Native audio is loaded at run time from dist/native (see src/engine/native); never bundled.
  external: ['vscode', 'naudiodon', '*.node'],
  mainFields: ['module', 'main'],
  // music-metadata is ESM; in a CJS bundle `import.meta.url` must still mean this file.
  inject: [path.join(root, 'scripts/import-meta-url.js')],
  define: { ...common.define, 'import.meta.url': 'import_meta_url' },
};

/** @type {{ name: string, options: import('esbuild').BuildOptions }[]} */
const targets = [
  {
    name: 'extension host',
    options: { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  },
  {
    name: 'cli',
    options: {
      ...node,
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir: 'dist',
      banner: { js: '#!/usr/bin/env node' },
    },
  },
  {
    name: 'webview',
    options: {
      ...common,
      platform: 'browser',
      target: ['chrome120'],
      format: 'iife',
      entryPoints: { main: 'webview/main.ts', styles: 'webview/styles.css' },
      outdir: 'dist/webview',
      loader: { '.ttf': 'file' },
    },
  },
];

if (fs.existsSync(path.join(root, 'src/engine/main.ts'))) {
  targets.push({ name: 'engine', options: { ...node, entryPoints: { engine: 'src/engine/main.ts' }, outdir: 'dist' } });
}

if (withTests) {
  const suites = fs
    .readdirSync(path.join(root, 'test/integration/suite'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `test/integration/suite/${file}`);
  targets.push({
    name: 'integration tests',
    options: {
      ...node,
      sourcemap: 'inline',
      minify: false,
      entryPoints: suites,
      outdir: 'out/test/suite',
      // Mocha must be the one copy the suite index creates; keep it out of the bundle.
      external: [...(node.external ?? []), 'mocha'],
    },
  });
}

const selected = only ? targets.filter((t) => only.some((prefix) => t.name.startsWith(prefix))) : targets;

/** Copy static assets the bundles load at run time. */
function copyAssets() {
  const codicons = path.join(root, 'node_modules/@vscode/codicons/dist');
  const dest = path.join(root, 'dist/webview/codicons');
  fs.mkdirSync(dest, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(path.join(codicons, file), path.join(dest, file));
  }
}

/**
 * The engine loads naudiodon from dist/native (relocatable, $ORIGIN rpath), so a packaged or
 * copied extension finds it. A development build can do without (the engine falls back to
 * node_modules), a production build cannot.
 */
function copyNative() {
  const { spawnSync } = require('node:child_process');
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/copy-native.mjs')], { encoding: 'utf8' });
  if (result.status === 0) return true;
  const message = (result.stderr || result.stdout || '').trim();
  if (production) {
    console.error(message);
    return false;
  }
  console.warn(`  (dev build) native audio not copied to dist/native: ${message}`);
  return true;
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} kB`;
}

/** @param {import('esbuild').Metafile} metafile */
function reportSizes(name, metafile) {
  let over = false;
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    const flag = production && name === 'extension host' && output.bytes > HOST_BUDGET_BYTES ? '  OVER BUDGET (1.5 MB)' : '';
    over ||= flag !== '';
    console.log(`  ${file.padEnd(40)} ${formatSize(output.bytes).padStart(10)}${flag}`);
  }
  return over;
}

/** @type {import('esbuild').Plugin} */
const watchReporter = {
  name: 'watch-reporter',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const error of result.errors) {
        console.error(`✘ [ERROR] ${error.text}`);
        if (error.location) console.error(`    ${error.location.file}:${error.location.line}:${error.location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

async function main() {
  copyAssets();
  if (watch) {
    const contexts = await Promise.all(
      selected.map((t) => esbuild.context({ ...t.options, plugins: [watchReporter] })),
    );
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    console.log(`watching ${selected.length} bundles`);
    return;
  }
  const started = Date.now();
  const results = await Promise.all(selected.map((t) => esbuild.build(t.options)));
  console.log(`built ${selected.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
  let over = false;
  results.forEach((result, i) => {
    if (result.metafile) over = reportSizes(selected[i].name, result.metafile) || over;
  });
  if (!only && !copyNative()) {
    process.exitCode = 1;
  }
  if (over && production) {
    console.error('The extension host bundle is over its 1.5 MB budget.');
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
