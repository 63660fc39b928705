import * as vscode from 'vscode';
import type { CommandResult, Player } from '../../player';

const VOLUME_STEP = 0.05;

function seekStepMs(): number {
  return Math.max(1, vscode.workspace.getConfiguration('playhead').get<number>('seekStepSeconds', 10)) * 1000;
}

/**
 * A refused command ("Next" at the end of the queue, "Seek" on a live stream) is not an
 * error worth a notification: it is said briefly in the status bar.
 */
async function run(command: () => CommandResult | Promise<CommandResult>): Promise<void> {
  const result = await command();
  if (!result.ok) {
    vscode.window.setStatusBarMessage(`$(info) Playhead: ${result.message}`, 3000);
  }
}

/** The transport commands of the palette, keybindings and status bar. */
export function registerTransportCommands(player: Player): vscode.Disposable[] {
  const register = (id: string, command: () => CommandResult | Promise<CommandResult>) =>
    vscode.commands.registerCommand(id, () => run(command));
  return [
    register('playhead.toggle', () => player.toggle()),
    register('playhead.play', () => player.play()),
    register('playhead.pause', () => player.pause()),
    register('playhead.stop', () => player.stop()),
    register('playhead.next', () => player.next()),
    register('playhead.previous', () => player.previous()),
    register('playhead.seekForward', () => player.seekBy(seekStepMs())),
    register('playhead.seekBackward', () => player.seekBy(-seekStepMs())),
    register('playhead.volumeUp', () => player.setVolume(Math.min(1, player.snapshot.volume + VOLUME_STEP))),
    register('playhead.volumeDown', () => player.setVolume(Math.max(0, player.snapshot.volume - VOLUME_STEP))),
    register('playhead.toggleMute', () => player.toggleMute()),
    register('playhead.toggleShuffle', () => player.setShuffle(!player.snapshot.shuffle)),
    register('playhead.cycleRepeat', () => player.cycleRepeat()),
    register('playhead.toggleStopAfterCurrent', () => player.setStopAfterCurrent(!player.snapshot.stopAfterCurrent)),
    register('playhead.clearQueue', () => player.clear()),
    vscode.commands.registerCommand('playhead.toggleFavorite', () => {
      const favorite = player.toggleFavorite();
      vscode.window.setStatusBarMessage(
        favorite === undefined ? '$(info) Playhead: nothing is playing' : favorite ? '$(heart-filled) Added to favorites' : '$(heart) Removed from favorites',
        2500,
      );
    }),
  ];
}
