import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineClient } from '../engine/client';
import type { NetworkSettings } from '../net/opener';
import type { Log } from './log';

/** The output setting as the engine understands it: 'auto', 'naudiodon', 'pipe' or 'null'. */
export function outputSettings(): { sink: string; device: string | undefined } {
  const config = vscode.workspace.getConfiguration('playhead.output');
  const device = config.get<string>('device', '').trim();
  return { sink: config.get<string>('method', 'auto'), device: device === '' ? undefined : device };
}

/**
 * How the engine reaches http(s) tracks: VS Code's own proxy settings, and a download cache
 * in the extension's storage so a replay reads no network.
 */
export function networkSettings(context: vscode.ExtensionContext): NetworkSettings {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy', '').trim();
  const authorization = http.get<string | null>('proxyAuthorization', null);
  return {
    ...(proxy !== '' && { proxy }),
    ...(authorization && { proxyAuthorization: authorization }),
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    cacheDirectory: path.join(context.globalStorageUri.fsPath, 'http-cache'),
    cacheMaxBytes: Math.max(0, vscode.workspace.getConfiguration('playhead.network').get<number>('cacheSizeMB', 512)) * 1024 * 1024,
  };
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
    network: networkSettings(context),
    log: (level, message) => log[level](`[engine] ${message}`),
  });
}
