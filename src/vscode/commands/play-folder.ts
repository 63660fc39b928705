import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Player } from '../../player';
import type { LibraryService } from '../library-service';
import type { Log } from '../log';

export type QueueMode = 'play' | 'add';

/** Folder picker that starts at the (first) workspace folder. */
async function pickFolder(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: 'Play Folder',
    title: 'Playhead: Play Folder',
  });
  return picked?.[0];
}

/**
 * Play Folder, and the Explorer's Play / Add to Queue: scan with progress (cancellable),
 * start playing as soon as the first folder's tracks are known, merge later folders into
 * play order, and report skipped files instead of failing.
 */
export class QueueFromFiles {
  constructor(
    private readonly player: Player,
    private readonly library: LibraryService,
    private readonly log: Log,
  ) {}

  async playFolder(folder?: vscode.Uri): Promise<void> {
    const target = folder ?? (await pickFolder());
    if (target) await this.enqueue([target], 'play');
  }

  /** Explorer context menu: (clicked, selection) — play or queue every selected folder and file. */
  async fromExplorer(mode: QueueMode, clicked: vscode.Uri | undefined, selection: vscode.Uri[] | undefined): Promise<void> {
    const uris = selection && selection.length > 0 ? selection : clicked ? [clicked] : [];
    if (uris.length === 0) {
      await this.playFolder();
      return;
    }
    await this.enqueue(uris, mode);
  }

  private async enqueue(uris: readonly vscode.Uri[], mode: QueueMode): Promise<void> {
    const local = uris.filter((uri) => uri.scheme === 'file');
    if (local.length === 0) {
      void vscode.window.showWarningMessage('Playhead can only play files on this machine’s disk.');
      return;
    }
    const label = local.length === 1 ? path.basename(local[0]!.fsPath) : `${local.length} items`;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Playhead: scanning ${label}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        try {
          let queued = 0;
          let offset = mode === 'play' ? 0 : this.player.snapshot.queueLength;
          let skipped = 0;
          for (const uri of local) {
            const base = offset;
            const outcome = await this.library.scan(
              uri.fsPath,
              {
                onTracks: async (tracks, index) => {
                  if (mode === 'play' && queued === 0) {
                    const result = await this.player.replaceAndPlay(tracks);
                    if (!result.ok) this.log.warn(`could not start playback: ${result.message}`);
                  } else {
                    this.player.insertAt(Math.min(base + index, this.player.snapshot.queueLength), tracks);
                  }
                  queued += tracks.length;
                },
                onProgress: (found, done) => progress.report({ message: `${done} of ${found} tracks` }),
              },
              controller.signal,
            );
            offset = base + outcome.tracks;
            skipped += outcome.skipped.filter((entry) => entry.kind !== 'unsupported').length;
            if (outcome.cancelled) break;
          }
          this.report(label, queued, skipped, mode);
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  private report(label: string, queued: number, skipped: number, mode: QueueMode): void {
    const skippedNote = skipped > 0 ? ` ${skipped} file${skipped === 1 ? '' : 's'} could not be read (see the log).` : '';
    if (queued === 0) {
      void vscode.window.showWarningMessage(`Playhead found no playable audio in ${label}.${skippedNote}`, 'Show Log').then((choice) => {
        if (choice) this.log.show(true);
      });
      return;
    }
    this.log.info(`${mode === 'play' ? 'playing' : 'queued'} ${queued} tracks from ${label}`);
    if (skippedNote) {
      void vscode.window.showWarningMessage(`Playhead ${mode === 'play' ? 'is playing' : 'queued'} ${queued} tracks from ${label}.${skippedNote}`, 'Show Log').then((choice) => {
        if (choice) this.log.show(true);
      });
    }
  }
}
