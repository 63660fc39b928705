import * as vscode from 'vscode';
import { Disposable, disposableInterval, MutableDisposable } from '../../base/lifecycle';

/**
 * The diagnostics report as a read-only virtual Markdown document, shown in the Markdown
 * preview (tables are readable at a glance) and copyable from its source. While the document
 * is open it is re-rendered every `refreshMs`, so the counts are live; closed, nothing runs.
 */
export class DiagnosticsDocument extends Disposable implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'playhead-diagnostics';
  readonly uri = vscode.Uri.from({ scheme: DiagnosticsDocument.scheme, path: '/Playhead Diagnostics.md' });
  private readonly changeEmitter = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly refresher = this._register(new MutableDisposable());
  private latest = '';

  constructor(
    private readonly render: () => Promise<string>,
    private readonly refreshMs = 2_000,
  ) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(DiagnosticsDocument.scheme, this));
    this._register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.toString() === this.uri.toString()) this.refresher.clear();
      }),
    );
  }

  /** The last rendered Markdown (what Copy copies). */
  get markdown(): string {
    return this.latest;
  }

  async provideTextDocumentContent(): Promise<string> {
    this.latest = await this.render();
    return this.latest;
  }

  /** Opens (or refreshes) the preview, and keeps it live while the document stays open. */
  async show(): Promise<void> {
    this.refresh();
    try {
      await vscode.commands.executeCommand('markdown.showPreview', this.uri);
    } catch {
      // The built-in Markdown extension can be disabled: the source is readable too.
      await vscode.window.showTextDocument(this.uri, { preview: true });
    }
    this.refresher.value ??= disposableInterval(() => this.refresh(), this.refreshMs);
  }

  refresh(): void {
    this.changeEmitter.fire(this.uri);
  }
}
