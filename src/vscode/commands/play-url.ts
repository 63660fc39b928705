import * as vscode from 'vscode';
import type { Player } from '../../player';

function validateUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'Playhead plays http:// and https:// addresses.';
  } catch {
    return 'Enter a full address, such as https://example.com/stream.mp3';
  }
}

/**
 * "Play URL": an audio file or an internet radio station (a stream, or a .pls/.m3u link to
 * one). The URL may be passed as an argument (keybindings, tests); otherwise it is asked for.
 */
export async function playUrl(player: Player, given?: unknown): Promise<void> {
  const answer =
    typeof given === 'string'
      ? given
      : await vscode.window.showInputBox({
          title: 'Playhead: Play URL',
          prompt: 'An audio file or an internet radio stream (http or https)',
          placeHolder: 'https://example.com/stream.mp3',
          ignoreFocusOut: true,
          validateInput: validateUrl,
        });
  if (answer === undefined) return;
  const problem = validateUrl(answer);
  if (problem) {
    void vscode.window.showErrorMessage(problem);
    return;
  }
  const result = await player.replaceAndPlay([{ uri: answer.trim() }]);
  if (!result.ok) vscode.window.setStatusBarMessage(`$(info) Playhead: ${result.message}`, 3000);
}
