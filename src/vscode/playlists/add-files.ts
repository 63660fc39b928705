import * as vscode from 'vscode';
import type { PlaylistRef } from './nodes';
import { inputsForFiles } from './tracks';

/**
 * Add Explorer files and folders to a playlist (the context menu, and drops on the view),
 * before `index` or at the end. Folders are scanned, so this shows progress and can be
 * cancelled; what could not be added is logged. Resolves with the number of entries added.
 */
export async function addFilesToPlaylist(ref: PlaylistRef, uris: readonly vscode.Uri[], log: vscode.LogOutputChannel, index?: number): Promise<number> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Playhead: adding to "${ref.name}"`, cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        const { inputs, problems } = await inputsForFiles(uris, controller.signal);
        for (const problem of problems) log.info(`playlist "${ref.name}": not added ${problem}`);
        if (inputs.length > 0) await ref.root.store.add(ref.name, inputs, index);
        log.info(`playlist "${ref.name}": added ${inputs.length} track${inputs.length === 1 ? '' : 's'}`);
        if (inputs.length === 0) void vscode.window.showWarningMessage(`Playhead found no playable audio to add to "${ref.name}".`);
        return inputs.length;
      } catch (error) {
        if (controller.signal.aborted) return 0;
        throw error;
      } finally {
        cancel.dispose();
      }
    },
  );
}
