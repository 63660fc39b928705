import * as vscode from 'vscode';

/** The extension's one log, shown by "Playhead: Show Log" (a LogOutputChannel honours the user's log level). */
export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('Playhead', { log: true });
}
