#!/usr/bin/env node
// @ts-check
/**
 * Copies naudiodon's native binding and its PortAudio library into dist/native/ so the
 * packaged extension carries them, and makes the binding relocatable: its RUNPATH is the
 * absolute build directory (platform facts §2), rewritten here to $ORIGIN so
 * libportaudio.so.2 is found next to it wherever the extension is installed.
 * The engine loads dist/native/naudiodon.node first (src/engine/sinks/native-binding.ts).
 *
 *   node scripts/copy-native.mjs [--out dist/native]
 *
 * Exits 1 with a message saying what to install when something is missing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = path.resolve(root, outArg > 0 ? process.argv[outArg + 1] ?? '' : 'dist/native');
const release = path.join(root, 'node_modules/naudiodon/build/Release');

function fail(message) {
  console.error(`copy-native: ${message}`);
  process.exit(1);
}

const binding = path.join(release, 'naudiodon.node');
if (!fs.existsSync(binding)) {
  fail(`${binding} is missing. Build naudiodon first (npm rebuild naudiodon; it needs node-gyp and a C++ compiler).`);
}

// PortAudio ships beside the binding: libportaudio.so.2 (Linux), libportaudio*.dylib (macOS),
// portaudio_x64.dll (Windows).
const libraries = fs
  .readdirSync(release)
  .filter((name) => /^(lib)?portaudio.*\.(so(\.\d+)*|dylib|dll)$/.test(name));
if (libraries.length === 0 && process.platform !== 'darwin') {
  fail(`no PortAudio library next to ${binding}; naudiodon's build is incomplete.`);
}

fs.mkdirSync(outDir, { recursive: true });
for (const name of ['naudiodon.node', ...libraries]) {
  // Copy through a temporary name: a running engine may have the old file mapped.
  const target = path.join(outDir, name);
  fs.copyFileSync(path.join(release, name), `${target}.tmp`);
  fs.renameSync(`${target}.tmp`, target);
}

if (process.platform === 'linux') {
  const copied = path.join(outDir, 'naudiodon.node');
  try {
    execFileSync('patchelf', ['--set-rpath', '$ORIGIN', copied], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const missing = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT';
    fail(
      missing
        ? 'patchelf is not installed; it is needed to make the binding relocatable ($ORIGIN rpath). Install it: `sudo apt install patchelf`.'
        : `patchelf failed on ${copied}: ${String(/** @type {any} */ (error).stderr ?? error)}`,
    );
  }
  const rpath = execFileSync('patchelf', ['--print-rpath', copied], { encoding: 'utf8' }).trim();
  if (rpath !== '$ORIGIN') fail(`the rpath of ${copied} is '${rpath}', expected '$ORIGIN'`);
} else if (process.platform === 'darwin') {
  console.warn('copy-native: macOS: the binding links PortAudio via @rpath/@loader_path as built; not rewritten.');
}

console.log(`copy-native: ${['naudiodon.node', ...libraries].join(', ')} → ${path.relative(root, outDir)}/ (rpath $ORIGIN)`);
