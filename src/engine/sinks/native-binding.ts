import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/**
 * Loads naudiodon's N-API binding directly (platform facts §2): never naudiodon's index.js,
 * which loads the NAN `segfault-handler` module and installs a process-wide SIGSEGV handler.
 *
 * Search order, first hit wins:
 *   1. $PLAYHEAD_NATIVE_DIR/naudiodon.node
 *   2. <bundle dir>/native/naudiodon.node — the packaged copy made by scripts/copy-native.mjs,
 *      next to dist/engine.js; its rpath is $ORIGIN so libportaudio.so.2 beside it is found
 *      wherever the extension is installed.
 *   3. dist/native/ of the source tree (running src/engine via tsx)
 *   4. node_modules/naudiodon/build/Release/naudiodon.node (development checkout)
 */

export interface NaudiodonDevice {
  id: number;
  name: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  defaultLowOutputLatency: number;
  defaultHighOutputLatency: number;
  hostAPIName?: string;
}

export interface NaudiodonOutOptions {
  deviceId?: number;
  sampleRate: number;
  channelCount: number;
  /** 1 = float32, 16 = int16. Never the 8-bit default. */
  sampleFormat: 1 | 16 | 24 | 32;
  maxQueue: number;
  framesPerBuffer: number;
  closeOnError: boolean;
}

export interface NaudiodonStream {
  start(): void;
  /** Resolves with an error string (closeOnError) or undefined once the chunk is queued. */
  write(chunk: Buffer): Promise<string | undefined>;
  /** 'WAIT' drains, 'ABORT' stops at once; naudiodon's JS abort() is broken (§2). */
  quit(flag: 'WAIT' | 'ABORT'): Promise<void>;
}

export interface NaudiodonBinding {
  create(options: { outOptions: NaudiodonOutOptions }): NaudiodonStream;
  getDevices(): NaudiodonDevice[];
}

/** Where the binding was found, or why it was not. */
export type BindingLoad = { ok: true; binding: NaudiodonBinding; path: string } | { ok: false; message: string };

let cached: BindingLoad | undefined;

export function candidateBindingPaths(): string[] {
  const candidates: string[] = [];
  const fromEnv = process.env.PLAYHEAD_NATIVE_DIR;
  if (fromEnv) candidates.push(path.join(fromEnv, 'naudiodon.node'));
  candidates.push(path.join(__dirname, 'native', 'naudiodon.node'));
  // Source layouts: src/engine/sinks → repo root is three levels up.
  for (const up of ['..', '../..', '../../..']) {
    candidates.push(path.resolve(__dirname, up, 'dist', 'native', 'naudiodon.node'));
  }
  for (let dir = __dirname, i = 0; i < 8; i++, dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'node_modules', 'naudiodon', 'build', 'Release', 'naudiodon.node'));
    if (path.dirname(dir) === dir) break;
  }
  return [...new Set(candidates)];
}

export function loadNaudiodon(): BindingLoad {
  if (cached) return cached;
  const failures: string[] = [];
  const requireNative = createRequire(__filename);
  for (const candidate of candidateBindingPaths()) {
    if (!fs.existsSync(candidate)) continue;
    try {
      const binding = requireNative(candidate) as NaudiodonBinding;
      if (typeof binding.create !== 'function' || typeof binding.getDevices !== 'function') {
        failures.push(`${candidate}: not a naudiodon binding`);
        continue;
      }
      cached = { ok: true, binding, path: candidate };
      return cached;
    } catch (error) {
      failures.push(`${candidate}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  cached = {
    ok: false,
    message: failures.length
      ? `naudiodon could not load: ${failures.join('; ')}`
      : 'naudiodon is not installed (no naudiodon.node next to the engine or in node_modules)',
  };
  return cached;
}
