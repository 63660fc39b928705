import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineClient } from '../../src/engine/client';
import { EngineBundle, buildEngineBundle } from './engine-bundle';
import { counterPcm, writeWavS16 } from './pcm-signals';

export interface EngineFixture {
  /** The bundled engine, as shipped (its start-up time is the real one). */
  readonly bundle: EngineBundle;
  /** A temporary folder, removed after the suite. */
  readonly dir: string;
  /** A 44.1 kHz stereo counter WAV of the requested length in `dir`. */
  readonly file: string;
  /** Set it to the test's client: it is disposed after each test. */
  client: EngineClient | undefined;
}

/**
 * Mocha hooks for a suite of EngineClient tests over the bundled engine: call it inside
 * `describe`; the fields are set from `before` on.
 */
export function useEngineFixture(prefix: string, seconds: number, rate = 44_100): EngineFixture {
  const fixture = { client: undefined } as EngineFixture;
  before(() => {
    Object.assign(fixture, { bundle: buildEngineBundle(), dir: fs.mkdtempSync(path.join(os.tmpdir(), prefix)) });
    Object.assign(fixture, { file: path.join(fixture.dir, `counter-${seconds}s.wav`) });
    writeWavS16(fixture.file, counterPcm(0, rate * seconds), rate, 2);
  });
  after(() => {
    fs.rmSync(fixture.dir, { recursive: true, force: true });
    fixture.bundle.dispose();
  });
  afterEach(() => {
    fixture.client?.dispose();
    fixture.client = undefined;
  });
  return fixture;
}
