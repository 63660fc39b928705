import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable, MutableDisposable, toDisposable } from '../base/lifecycle';
import type { EngineClient } from '../engine/client';
import { engineReport } from '../diagnostics/host-report';
import { countEmitterSubscriptions } from '../diagnostics/tracked';
import { userConfigDir } from '../base/config-dir';
import { PlaybackClaim, Player, pauseWhenOthersPlay, replayGainModes, type ReplayGainMode } from '../player';
import { startApiServer } from './api-server';
import { QueueFromFiles } from './commands/play-folder';
import { playUrl } from './commands/play-url';
import { registerTransportCommands } from './commands/transport';
import { CoverFiles } from './covers';
import { createEngine } from './engine';
import { LibraryService } from './library-service';
import { registerDiagnostics } from './diagnostics/register-diagnostics';
import { createLog, Log } from './log';
import { MementoStateStore } from './memento-store';
import { PlayerPanel, PlayerPanelOptions } from './panel/player-panel';
import { PlayerViewModelImpl } from './player-view-model';
import { registerPlaylists } from './playlists';
import { StatusBarController } from './status-bar';

/**
 * The composition root: builds the engine client, player, library and views, and owns them.
 * The instance is the extension's API (returned from activate), which integration tests use.
 */
export class PlayheadExtension extends Disposable {
  readonly log: Log;
  readonly engine: EngineClient;
  readonly player: Player;
  readonly library: LibraryService;
  readonly viewModel: PlayerViewModelImpl;
  private readonly queueFromFiles: QueueFromFiles;
  private readonly panelOptions: PlayerPanelOptions;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    // Count every Emitter subscription, so Show Diagnostics can prove listeners do not pile up.
    this._register(countEmitterSubscriptions());
    const storage = context.globalStorageUri.fsPath;
    this.log = this._register(createLog());
    this.engine = this._register(createEngine(context, this.log));
    this.player = this._register(
      new Player({
        engine: this.engine,
        store: new MementoStateStore(context.workspaceState, context.globalState),
        replayGain: () => {
          const mode = vscode.workspace.getConfiguration('playhead').get<string>('replayGain', 'track');
          return replayGainModes.includes(mode as ReplayGainMode) ? (mode as ReplayGainMode) : 'track';
        },
        log: (message) => this.log.info(`[player] ${message}`),
      }),
    );
    this.library = this._register(new LibraryService(path.join(storage, 'tag-cache'), this.log));
    const covers = this._register(new CoverFiles(path.join(storage, 'covers'), (message) => this.log.warn(message)));
    this.viewModel = this._register(new PlayerViewModelImpl(this.player, covers, () => this.queueFromFiles.playFolder()));
    this._register(covers.onDidLoad((uri) => this.viewModel.refreshCover(uri)));
    this.queueFromFiles = new QueueFromFiles(this.player, this.library, this.log);
    this.panelOptions = {
      extensionUri: context.extensionUri,
      viewModel: this.viewModel,
      log: this.log,
      coverRoots: [vscode.Uri.file(covers.folder)],
    };

    this._register(new StatusBarController(this.viewModel));
    this.registerOneAtATime();
    this._register(
      registerDiagnostics({
        player: this.player,
        log: this.log,
        engine: this.engine,
        // Asked of the engine process when shown; neither starts it.
        engineStats: async () => {
          const diagnostics = await this.engine.diagnostics();
          return diagnostics && engineReport(diagnostics);
        },
        engineHeapSnapshot: (dir) => this.engine.heapSnapshot(dir),
        snapshotDir: path.join(storage, 'heap-snapshots'),
      }),
    );
    this._register(startApiServer(this.player, this.log, context));
    this._register(registerPlaylists({ context, player: this.player, log: this.log }));
    this.registerContextKey();
    this.registerCommands();
    this._register(
      vscode.window.registerWebviewPanelSerializer(PlayerPanel.viewType, {
        deserializeWebviewPanel: async (panel) => {
          PlayerPanel.revive(panel, this.panelOptions);
        },
      }),
    );
    this._register(toDisposable(() => PlayerPanel.current?.dispose()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('playhead.output') || event.affectsConfiguration('playhead.network') || event.affectsConfiguration('http.proxy')) {
          void vscode.window.showInformationMessage('Playhead: the new output or network setting applies after "Developer: Reload Window".');
        }
      }),
    );
    this.log.info(`Playhead ${String(context.extension.packageJSON.version)} activated (VS Code ${vscode.version}, ${process.platform}-${process.arch})`);
  }

  showPlayer(): PlayerPanel {
    return PlayerPanel.show(this.panelOptions);
  }

  /**
   * Every VS Code window runs its own Playhead: when one starts playing, the others pause
   * (`playhead.pauseWhenAnotherWindowPlays`). The claim file is in the per-user folder the
   * command line uses too, so `playhead play` in a terminal takes part.
   */
  private registerOneAtATime(): void {
    const label = `VS Code window${vscode.workspace.name ? ` (${vscode.workspace.name})` : ''}`;
    const claim = this._register(new PlaybackClaim(path.join(userConfigDir('playhead'), 'now-playing.json'), label, (message) => this.log.warn(message)));
    const message = this._register(new MutableDisposable());
    this._register(
      pauseWhenOthersPlay(this.player, claim, {
        enabled: () => vscode.workspace.getConfiguration('playhead').get<boolean>('pauseWhenAnotherWindowPlays', true),
        onPaused: (by) => {
          this.log.info(`paused: ${by.label} started playing`);
          message.value = vscode.window.setStatusBarMessage(`$(debug-pause) Playhead paused: ${by.label} started playing`, 5000);
        },
      }),
    );
  }

  /** `playhead.state` ('stopped' | 'playing' | 'paused' | 'buffering') for when-clauses. */
  private registerContextKey(): void {
    let last: string | undefined;
    const update = () => {
      const state = this.player.snapshot.state;
      if (state === last) return;
      last = state;
      void vscode.commands.executeCommand('setContext', 'playhead.state', state);
      void vscode.commands.executeCommand('setContext', 'playhead.hasQueue', this.player.snapshot.queueLength > 0);
    };
    update();
    this._register(this.player.onDidChangeSnapshot(update));
  }

  private registerCommands(): void {
    const register = (id: string, handler: (...args: never[]) => unknown) => this._register(vscode.commands.registerCommand(id, handler));
    for (const command of registerTransportCommands(this.player)) this._register(command);
    register('playhead.showLog', () => this.log.show(true));
    register('playhead.showPlayer', () => {
      this.showPlayer();
    });
    register('playhead.playFolder', (folder?: vscode.Uri) => this.queueFromFiles.playFolder(folder instanceof vscode.Uri ? folder : undefined));
    register('playhead.playUrl', (url?: unknown) => playUrl(this.player, url));
    register('playhead.playFromExplorer', (clicked?: vscode.Uri, selection?: vscode.Uri[]) => this.queueFromFiles.fromExplorer('play', clicked, selection));
    register('playhead.addToQueue', (clicked?: vscode.Uri, selection?: vscode.Uri[]) => this.queueFromFiles.fromExplorer('add', clicked, selection));
    register('playhead.selectOutputDevice', () => this.selectOutputDevice());
  }

  private async selectOutputDevice(): Promise<void> {
    const devices = await this.engine.listDevices().catch((error: unknown) => {
      void vscode.window.showErrorMessage(`Playhead could not list audio devices: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (!devices) return;
    const current = vscode.workspace.getConfiguration('playhead.output').get<string>('device', '');
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'System default', description: current === '' ? 'current' : undefined, device: '' },
        ...devices.map((d) => ({ label: d.name, description: d.name === current ? 'current' : undefined, device: d.name })),
      ],
      { title: 'Playhead: Select Output Device', placeHolder: devices.length === 0 ? 'No output devices were found; the system default is used' : 'Play through…' },
    );
    if (!picked) return;
    await vscode.workspace.getConfiguration('playhead.output').update('device', picked.device, vscode.ConfigurationTarget.Global);
    await this.engine.setDevice(picked.device === '' ? undefined : picked.device);
  }
}
