import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../base/lifecycle';
import { bufferingLabel, type ViewState } from '../protocol/messages';
import { formatTime, literalIcons } from './format';
import type { PlayerViewModel } from './panel/view-model';

const TITLE_MAX = 32;

interface StatusBarSettings {
  readonly visible: boolean;
  readonly alignment: vscode.StatusBarAlignment;
  readonly priority: number;
}

function readSettings(): StatusBarSettings {
  const config = vscode.workspace.getConfiguration('playhead.statusBar');
  return {
    visible: config.get<boolean>('visible', true),
    alignment: config.get<string>('alignment', 'left') === 'right' ? vscode.StatusBarAlignment.Right : vscode.StatusBarAlignment.Left,
    priority: config.get<number>('priority', 50),
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Two status bar items: a play/pause button and the current title (click opens the player).
 * Hidden while nothing is loaded. Alignment, priority and visibility come from settings;
 * VS Code fixes an item's alignment and priority at creation, so a change rebuilds the items.
 */
export class StatusBarController extends Disposable {
  private readonly items = this._register(new DisposableStore());
  private toggle!: vscode.StatusBarItem;
  private title!: vscode.StatusBarItem;
  private settings = readSettings();
  private lastTooltipSecond = -1;

  constructor(private readonly model: PlayerViewModel) {
    super();
    this.createItems();
    this._register(model.onDidChangeState((state) => this.render(state)));
    this._register(
      model.onPosition(() => {
        // The tooltip shows progress; refresh it at most once a second of playback.
        const second = Math.floor(model.getState().positionMs / 1000);
        if (second !== this.lastTooltipSecond) {
          this.lastTooltipSecond = second;
          this.title.tooltip = this.tooltip(model.getState());
        }
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('playhead.statusBar')) {
          this.settings = readSettings();
          this.createItems();
        }
      }),
    );
  }

  private createItems(): void {
    this.items.clear();
    const { alignment, priority } = this.settings;
    // Left-aligned items are laid out by descending priority: the button comes first.
    this.toggle = this.items.add(vscode.window.createStatusBarItem('playhead.toggle', alignment, priority + 0.1));
    this.toggle.name = 'Playhead: Play/Pause';
    this.title = this.items.add(vscode.window.createStatusBarItem('playhead.nowPlaying', alignment, priority));
    this.title.name = 'Playhead: Now Playing';
    this.title.command = 'playhead.showPlayer';
    this.render(this.model.getState());
  }

  private render(state: ViewState): void {
    const track = state.track;
    if (!this.settings.visible || !track) {
      this.toggle.hide();
      this.title.hide();
      return;
    }
    const playing = state.state === 'playing' || state.state === 'buffering';
    this.toggle.text = state.state === 'buffering' ? '$(loading~spin)' : playing ? '$(debug-pause)' : '$(play)';
    this.toggle.tooltip = playing ? 'Pause (Playhead)' : 'Play (Playhead)';
    this.toggle.command = 'playhead.toggle';
    this.toggle.accessibilityInformation = { label: playing ? 'Pause' : 'Play', role: 'button' };
    // A stream's own title (ICY) names what is on; the track is then the station.
    const name = state.streamTitle ?? track.title;
    const by = state.streamTitle !== undefined ? track.title : track.artist;
    const buffering = state.state === 'buffering' ? `${bufferingLabel(state.bufferingProgress)} · ` : '';
    this.title.text = literalIcons(truncate(`${buffering}${by ? `${name} · ${by}` : name}`, TITLE_MAX));
    this.title.tooltip = this.tooltip(state);
    this.title.accessibilityInformation = {
      label: `${buffering ? bufferingLabel(state.bufferingProgress) : `Now ${state.state}`}: ${name}${by ? ` by ${by}` : ''}. Open the player.`,
      role: 'button',
    };
    this.toggle.show();
    this.title.show();
  }

  private tooltip(state: ViewState): vscode.MarkdownString {
    const track = state.track;
    const md = new vscode.MarkdownString(undefined, true);
    if (!track) return md;
    if (state.streamTitle !== undefined) md.appendMarkdown(`**${escape(state.streamTitle)}**  \n`);
    md.appendMarkdown(state.streamTitle !== undefined ? `${escape(track.title)}  \n` : `**${escape(track.title)}**  \n`);
    if (track.artist) md.appendMarkdown(`${escape(track.artist)}  \n`);
    if (track.album) md.appendMarkdown(`_${escape(track.album)}_  \n`);
    const duration = state.durationMs === undefined ? '' : ` / ${formatTime(state.durationMs)}`;
    md.appendMarkdown(`\n$(${state.state === 'playing' ? 'play' : 'debug-pause'}) ${formatTime(state.positionMs)}${duration}`);
    if (state.state === 'buffering') md.appendMarkdown(`\n\n$(loading~spin) ${escape(bufferingLabel(state.bufferingProgress))}`);
    if (state.error) md.appendMarkdown(`\n\n$(warning) ${escape(state.error)}`);
    return md;
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
