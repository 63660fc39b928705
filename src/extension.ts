import type * as vscode from 'vscode';
import { PlayheadExtension } from './vscode/playhead-extension';

/**
 * Entry point. Everything the extension creates hangs off one owner that VS Code disposes
 * on deactivation (or the window closing), so nothing outlives the extension.
 */
export function activate(context: vscode.ExtensionContext): PlayheadExtension {
  const extension = new PlayheadExtension(context);
  context.subscriptions.push(extension);
  return extension;
}

export function deactivate(): void {
  // Disposal happens through context.subscriptions.
}
