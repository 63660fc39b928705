import * as vscode from 'vscode';
import { EngineClient } from '../engine/client';
import type { Log } from './log';

/** The output setting as the engine understands it: 'auto', 'naudiodon', 'pipe' or 'null'. */
export function outputSettings(): { sink: string; device: string | undefined } {
  const config = vscode.workspace.getConfiguration('playhead.output');
  const device = config.get<string>('device', '').trim();
  return { sink: config.get<string>('method', 'auto'), device: device === '' ? undefined : device };
}

/**
 * The audio engine runs in its own process (dist/engine.js, forked with the extension host's
 * own runtime in Node mode), so native audio can neither crash nor stall the extension host.
 * The process starts at the first command that needs it, not at activation.
 */
export function createEngine(context: vscode.ExtensionContext, log: Log): EngineClient {
  const { sink, device } = outputSettings();
  return new EngineClient({
    enginePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'engine.js').fsPath,
    sink,
    device,
    log: (level, message) => log[level](`[engine] ${message}`),
  });
}
