import * as vscode from 'vscode';
import { Disposable } from '../base/lifecycle';
import { createLog, Log } from './log';

/**
 * The composition root: builds the player, library, engine client and views, and owns them.
 * The exported instance is the extension's API (returned from activate) and is what the
 * integration tests talk to.
 */
export class PlayheadExtension extends Disposable {
  readonly log: Log;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    this.log = this._register(createLog());
    this._register(vscode.commands.registerCommand('playhead.showLog', () => this.log.show(true)));
    this.log.info(`Playhead ${String(context.extension.packageJSON.version)} activated (VS Code ${vscode.version}, ${process.platform}-${process.arch})`);
  }
}
