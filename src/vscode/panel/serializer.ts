import * as vscode from 'vscode';
import { PlayerPanel, PlayerPanelOptions } from './player-panel';

/**
 * Restores the "Playhead" panel after a window reload. Register it during activation (VS Code
 * asks right after activating for `onWebviewPanel:playhead.player`). The webview's saved state
 * (filter, scroll) lives in the page itself, so the argument VS Code passes is not needed here.
 */
export function registerPlayerPanelSerializer(options: () => PlayerPanelOptions | Promise<PlayerPanelOptions>): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(PlayerPanel.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      PlayerPanel.revive(panel, await options());
    },
  });
}
