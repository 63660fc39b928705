import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient, EngineClientOptions } from '../../src/engine/client';
import { PulseCapture, startPulseCapture } from '../harness/pulse';
import { buildEngineBundle, EngineBundle } from './engine-bundle';

export interface PulseEngineRun {
  readonly capture: PulseCapture;
  /** The real engine (bundled as dist/engine.js is) playing through naudiodon into `capture`. */
  readonly engine: EngineClient;
}

export interface PulseEngineFixture {
  /** A scratch folder for the file's inputs, removed after the file. */
  dir(): string;
  /** A fresh sound server and engine: a retried test starts clean. */
  start(options?: Pick<EngineClientOptions, 'log'>): Promise<PulseEngineRun>;
}

/**
 * Mocha hooks for a test file that plays through the real engine, naudiodon → ALSA → a private
 * PulseAudio (clocked, unlike the ALSA file device), recorded from the sink's monitor. Skips the
 * file where PulseAudio's tools are missing (CI provisions them: apt pulseaudio pulseaudio-utils).
 */
export function usePulseEngine(name: string): PulseEngineFixture {
  const missing = ['pulseaudio', 'parec', 'pactl'].filter((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0);
  let dir: string | undefined;
  let bundle: EngineBundle | undefined;
  let capture: PulseCapture | undefined;

  before(function () {
    if (missing.length > 0) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `playhead-${name}-`));
    bundle = buildEngineBundle();
  });
  after(async () => {
    await capture?.stop();
    bundle?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  return {
    dir: () => {
      if (!dir) throw new Error('usePulseEngine: before() has not run');
      return dir;
    },
    async start(options = {}) {
      if (!dir || !bundle) throw new Error('usePulseEngine: before() has not run');
      await capture?.stop();
      capture = await startPulseCapture(fs.mkdtempSync(path.join(dir, 'run-')));
      const engine = new EngineClient({ enginePath: bundle.enginePath, sink: 'naudiodon', env: { ...bundle.env, ...capture.env }, ...options });
      return { capture, engine };
    },
  };
}
