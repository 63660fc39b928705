import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineClient } from '../engine/client';
import type { CliIO } from './command';
import { UsageError } from './command';

/**
 * Where the engine entry is: dist/engine.js next to the bundled CLI (dist/cli.js), or the
 * TypeScript source when the CLI itself runs from source under tsx (EngineClient then starts
 * it with tsx's loader).
 */
export function engineEntry(): string {
  const bundled = path.join(__dirname, 'engine.js');
  if (fs.existsSync(bundled)) return bundled;
  const source = path.join(__dirname, '..', 'engine', 'main.ts');
  if (fs.existsSync(source)) return source;
  throw new Error(`The audio engine is missing: expected ${bundled}`);
}

/** `--output default|null|wav:FILE` as the engine's sink spec ('auto', 'null', 'wav:/abs'). */
export function sinkForOutput(output: string | true | undefined): string {
  if (output === undefined || output === 'default') return 'auto';
  if (output === 'null') return 'null';
  if (typeof output === 'string' && output.startsWith('wav:') && output.length > 4) {
    // The engine runs in another process and may have another working folder.
    return `wav:${path.resolve(output.slice(4))}`;
  }
  throw new UsageError(`--output must be default, null or wav:FILE, got ${String(output)}`);
}

export interface CliEngineOptions {
  readonly sink: string;
  readonly device?: string | undefined;
  readonly io: CliIO;
  /** Show the engine's debug and info lines too (warnings and errors always show). */
  readonly verbose?: boolean;
}

export function createCliEngine(options: CliEngineOptions): EngineClient {
  return new EngineClient({
    enginePath: engineEntry(),
    sink: options.sink,
    ...(options.device !== undefined ? { device: options.device } : {}),
    // A WAV file holds exactly what would be heard, sample for sample: no pause/resume fades.
    ...(options.sink.startsWith('wav:') ? { pauseFadeMs: 0 } : {}),
    log: (level, message) => {
      if (options.verbose || level === 'warn' || level === 'error') options.io.stderr.write(`playhead: engine ${level}: ${message}\n`);
    },
  });
}
