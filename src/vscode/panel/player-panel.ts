import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../../base/lifecycle';
import { resources } from '../../diagnostics/resource-tracker';
import { HostMessage, parseWebviewMessage, PlayerCommand, QueueItem, ViewState, WebviewMessage } from '../../protocol/messages';
import { renderPanelHtml } from './html';
import { createNonce } from './nonce';
import { PositionThrottle } from './position-throttle';
import type { PlayerViewModel } from './view-model';

/** Where the panel reports dropped messages and webview logs; a LogOutputChannel fits. */
export interface PanelLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PlayerPanelOptions {
  readonly extensionUri: vscode.Uri;
  readonly viewModel: PlayerViewModel;
  readonly log: PanelLogger;
  /** Folders cover images are served from (file: coverUris must lie inside one of them). */
  readonly coverRoots?: readonly vscode.Uri[];
  /** The editor tab's icon (e.g. media/icon.svg); VS Code's default webview icon otherwise. */
  readonly iconPath?: vscode.Uri;
}

/**
 * The "Playhead" webview panel: one per window. It renders nothing itself; it ships the
 * view model's state to the webview (validated protocol, ready handshake) and runs the
 * commands the webview sends back. Hidden webviews drop messages and no context is retained,
 * so while hidden nothing is posted and the webview asks again (`ready`) when it is shown.
 */
export class PlayerPanel extends Disposable {
  static readonly viewType = 'playhead.player';
  private static currentPanel: PlayerPanel | undefined;

  /** The open panel, if any. */
  static get current(): PlayerPanel | undefined {
    return PlayerPanel.currentPanel;
  }

  /** Reveals the panel, creating it when there is none. */
  static show(options: PlayerPanelOptions, column: vscode.ViewColumn = vscode.ViewColumn.Active): PlayerPanel {
    const existing = PlayerPanel.currentPanel;
    if (existing) {
      existing.panel.reveal(column);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(PlayerPanel.viewType, 'Playhead', column, PlayerPanel.webviewOptions(options));
    return PlayerPanel.adopt(panel, options);
  }

  /** Takes over a panel VS Code restored after a reload (from a WebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, options: PlayerPanelOptions): PlayerPanel {
    // A restored panel keeps the options it was created with; set them again in case the
    // extension (and its cover folder) moved since.
    panel.webview.options = PlayerPanel.webviewOptions(options);
    PlayerPanel.currentPanel?.dispose();
    return PlayerPanel.adopt(panel, options);
  }

  /** Webview options for createWebviewPanel and for the serializer's restored panels. */
  static webviewOptions(options: Pick<PlayerPanelOptions, 'extensionUri' | 'coverRoots'>): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableFindWidget: false,
      // Deliberately no retainContextWhenHidden: the webview re-sends `ready` when shown.
      localResourceRoots: [vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview'), ...(options.coverRoots ?? [])],
    };
  }

  private static adopt(panel: vscode.WebviewPanel, options: PlayerPanelOptions): PlayerPanel {
    const instance = new PlayerPanel(panel, options);
    PlayerPanel.currentPanel = instance;
    return instance;
  }

  private readonly viewModel: PlayerViewModel;
  private readonly log: PanelLogger;
  /** True once the webview said `ready` since it last became visible. */
  private webviewReady = false;
  private readonly positions: PositionThrottle;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    options: PlayerPanelOptions,
  ) {
    super();
    this._register(resources.track('webview', 'PlayerPanel'));
    this.viewModel = options.viewModel;
    this.log = options.log;
    this.positions = this._register(new PositionThrottle((update) => this.post({ type: 'position', ...update })));

    if (options.iconPath) panel.iconPath = options.iconPath;
    panel.webview.html = this.html(options.extensionUri);

    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)));
    this._register(
      panel.onDidChangeViewState(() => {
        // Hidden webviews lose their page (no retained context); the reloaded page sends
        // `ready` again. Until then, posting would be lost.
        if (!panel.visible) {
          this.webviewReady = false;
          this.positions.reset();
        }
      }),
    );
    this._register(this.viewModel.onDidChangeState((state) => this.postState(state)));
    this._register(this.viewModel.onDidChangeQueue((queue) => this.postQueue(queue)));
    this._register(
      this.viewModel.onPosition((update) => {
        if (this.canPost()) this.positions.push(update);
      }),
    );
    this._register(
      toDisposable(() => {
        if (PlayerPanel.currentPanel === this) PlayerPanel.currentPanel = undefined;
      }),
    );
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    // Closing the panel from code (e.g. deactivate) must close the editor tab too.
    this.panel.dispose();
  }

  private html(extensionUri: vscode.Uri): string {
    const webview = this.panel.webview;
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', ...segments)).toString();
    return renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asset('main.js'),
      styleUri: asset('styles.css'),
      codiconUri: asset('codicons', 'codicon.css'),
    });
  }

  private canPost(): boolean {
    return this.webviewReady && this.panel.visible && !this.isDisposed;
  }

  private onMessage(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn(`Player view: dropped a malformed message: ${describe(raw)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        this.positions.reset();
        this.postState(this.viewModel.getState());
        this.postQueue(this.viewModel.getQueue());
        return;
      case 'log':
        this.log[message.level](`Player view: ${message.message}`);
        return;
      case 'command':
        void this.runCommand(message);
        return;
    }
  }

  private async runCommand(message: Extract<WebviewMessage, { type: 'command' }>): Promise<void> {
    const { type: _type, id, ...command } = message;
    try {
      await this.viewModel.execute(command as PlayerCommand);
      this.post({ type: 'reply', id, ok: true, error: undefined });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.log.error(`Player view: ${command.command} failed: ${text}`);
      this.post({ type: 'reply', id, ok: false, error: text });
    }
  }

  private postState(state: ViewState): void {
    if (!this.canPost()) return;
    this.post({ type: 'state', state: this.forWebview(state) });
    // A state carries a position; the throttle counts it as sent so it does not repeat it.
    this.positions.noteSent({ positionMs: state.positionMs, positionAt: state.positionAt, playing: state.state === 'playing' });
  }

  private postQueue(queue: { readonly version: number; readonly items: readonly QueueItem[] }): void {
    if (!this.canPost()) return;
    this.post({ type: 'queue', version: queue.version, items: queue.items });
  }

  /** Cover art given as a file: URI becomes a webview resource URI (allowed by coverRoots). */
  private forWebview(state: ViewState): ViewState {
    const cover = state.track?.coverUri;
    if (!state.track || !cover || !cover.startsWith('file:')) return state;
    const coverUri = this.panel.webview.asWebviewUri(vscode.Uri.parse(cover)).toString();
    return { ...state, track: { ...state.track, coverUri } };
  }

  private post(message: HostMessage): void {
    if (!this.canPost()) return;
    // postMessage resolves false when the webview is gone; nothing to do then.
    this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.log.warn(`Player view: postMessage failed: ${String(error)}`);
    });
  }
}

function describe(raw: unknown): string {
  try {
    return JSON.stringify(raw).slice(0, 200);
  } catch {
    return typeof raw;
  }
}
