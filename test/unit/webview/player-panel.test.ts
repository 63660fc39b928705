import * as assert from 'node:assert/strict';
import { Emitter } from '../../../src/base/event';
import type { PlayerCommand, QueueItem, ViewState } from '../../../src/protocol/messages';
import type { PlayerPanel as PlayerPanelClass, PlayerPanelOptions } from '../../../src/vscode/panel/player-panel';
import type { PlayerViewModel } from '../../../src/vscode/panel/view-model';
import { created, FakeUri, FakeWebviewPanel, installFakeVscode, serializers } from './fake-vscode';

type Queue = { readonly version: number; readonly items: readonly QueueItem[] };
type Position = { readonly positionMs: number; readonly positionAt: number; readonly playing: boolean };

const baseState: ViewState = {
  version: 1,
  state: 'playing',
  track: { id: 'a', title: 'A', artist: undefined, album: undefined, durationMs: 100_000, coverUri: undefined, favorite: false },
  currentIndex: 0,
  positionMs: 0,
  positionAt: 0,
  durationMs: 100_000,
  volume: 1,
  muted: false,
  shuffle: false,
  repeat: 'off',
  error: undefined,
  queueVersion: 1,
  streamTitle: undefined,
  bufferingProgress: undefined,
};

class FakeViewModel implements PlayerViewModel {
  state = baseState;
  queue: Queue = { version: 1, items: [{ id: 'a', title: 'A', artist: undefined, album: undefined, durationMs: 1 }] };
  readonly executed: PlayerCommand[] = [];
  failWith: string | undefined;
  readonly stateEmitter = new Emitter<ViewState>();
  readonly queueEmitter = new Emitter<Queue>();
  readonly positionEmitter = new Emitter<Position>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeQueue = this.queueEmitter.event;
  readonly onPosition = this.positionEmitter.event;
  getState(): ViewState {
    return this.state;
  }
  getQueue(): Queue {
    return this.queue;
  }
  async execute(command: PlayerCommand): Promise<void> {
    this.executed.push(command);
    if (this.failWith) throw new Error(this.failWith);
  }
}

const logs: string[] = [];
const log = { info: (m: string) => logs.push(`info ${m}`), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PlayerPanel (with a fake vscode)', () => {
  let uninstall: () => void;
  let PlayerPanel: typeof PlayerPanelClass;
  let registerPlayerPanelSerializer: typeof import('../../../src/vscode/panel/serializer').registerPlayerPanelSerializer;
  let viewModel: FakeViewModel;
  let options: PlayerPanelOptions;

  before(() => {
    uninstall = installFakeVscode();
    PlayerPanel = (require('../../../src/vscode/panel/player-panel') as typeof import('../../../src/vscode/panel/player-panel')).PlayerPanel;
    registerPlayerPanelSerializer = (require('../../../src/vscode/panel/serializer') as typeof import('../../../src/vscode/panel/serializer'))
      .registerPlayerPanelSerializer;
  });
  after(() => uninstall());

  beforeEach(() => {
    PlayerPanel.current?.dispose();
    created.length = 0;
    logs.length = 0;
    viewModel = new FakeViewModel();
    options = {
      extensionUri: FakeUri.file('/ext') as never,
      viewModel,
      log,
      coverRoots: [FakeUri.file('/covers') as never],
    };
  });

  function open(): { panel: PlayerPanelClass; fake: FakeWebviewPanel } {
    const panel = PlayerPanel.show(options);
    return { panel, fake: created[created.length - 1]! };
  }

  it('creates one restorable panel with a strict CSP and limited resource roots', () => {
    const { fake } = open();
    assert.equal(fake.viewType, 'playhead.player');
    assert.equal(fake.title, 'Playhead');
    const webviewOptions = fake.webview.options as Record<string, unknown>;
    assert.equal(webviewOptions.enableScripts, true);
    assert.equal(webviewOptions.retainContextWhenHidden, undefined);
    assert.deepEqual((webviewOptions.localResourceRoots as FakeUri[]).map(String), ['file:///ext/dist/webview', 'file:///covers']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(fake.webview.html)?.[1];
    assert.ok(nonce && nonce.length >= 16);
    assert.ok(fake.webview.html.includes(`<script nonce="${nonce}" src="https://fake.vscode-cdn.net/ext/dist/webview/main.js">`));
    assert.equal(PlayerPanel.show(options), PlayerPanel.current, 'show() again reveals the same panel');
    assert.equal(created.length, 1);
    assert.equal(fake.revealed, 1);
  });

  it('posts nothing before ready, then the full state and queue', async () => {
    const { fake } = open();
    viewModel.stateEmitter.fire({ ...baseState, version: 2 });
    viewModel.positionEmitter.fire({ positionMs: 5, positionAt: 5, playing: true });
    assert.equal(fake.webview.posted.length, 0);
    fake.webview.received.fire({ type: 'ready' });
    assert.deepEqual(
      fake.webview.posted.map((m) => (m as { type: string }).type),
      ['state', 'queue'],
    );
  });

  it('runs commands and replies by id; failures reply with the message', async () => {
    const { fake } = open();
    fake.webview.received.fire({ type: 'ready' });
    fake.webview.posted.length = 0;
    fake.webview.received.fire({ type: 'command', id: 7, command: 'seek', positionMs: 1000 });
    await tick();
    assert.deepEqual(viewModel.executed, [{ command: 'seek', positionMs: 1000 }]);
    viewModel.failWith = 'No such folder';
    fake.webview.received.fire({ type: 'command', id: 8, command: 'playFolder' });
    await tick();
    assert.deepEqual(fake.webview.posted, [
      { type: 'reply', id: 7, ok: true },
      { type: 'reply', id: 8, ok: false, error: 'No such folder' },
    ]);
  });

  it('drops and logs malformed messages', () => {
    const { fake } = open();
    fake.webview.received.fire({ type: 'command', id: 1, command: 'rm -rf' });
    fake.webview.received.fire('hello');
    assert.equal(viewModel.executed.length, 0);
    assert.equal(logs.filter((l) => l.startsWith('warn') && l.includes('malformed')).length, 2);
  });

  it('goes quiet while hidden and sends everything again on the next ready', () => {
    const { fake } = open();
    fake.webview.received.fire({ type: 'ready' });
    fake.setVisible(false);
    fake.webview.posted.length = 0;
    viewModel.stateEmitter.fire({ ...baseState, version: 2 });
    viewModel.queueEmitter.fire({ version: 2, items: [] });
    viewModel.positionEmitter.fire({ positionMs: 5, positionAt: 5, playing: true });
    assert.equal(fake.webview.posted.length, 0);
    fake.setVisible(true);
    assert.equal(fake.webview.posted.length, 0, 'waits for the reloaded page to say ready');
    viewModel.state = { ...baseState, version: 3 };
    fake.webview.received.fire({ type: 'ready' });
    assert.equal((fake.webview.posted[0] as { state: ViewState }).state.version, 3);
  });

  it('thins position events to a few a second', () => {
    const { fake } = open();
    fake.webview.received.fire({ type: 'ready' });
    fake.webview.posted.length = 0;
    const now = Date.now();
    for (let i = 0; i < 10; i++) viewModel.positionEmitter.fire({ positionMs: i * 10, positionAt: now + i * 10, playing: true });
    assert.ok(fake.webview.posted.length <= 1, `posted ${fake.webview.posted.length}`);
    viewModel.positionEmitter.fire({ positionMs: 50, positionAt: now + 100, playing: false });
    assert.equal((fake.webview.posted.at(-1) as Position).playing, false, 'a pause goes out at once');
  });

  it('turns file: cover URIs into webview URIs', () => {
    const { fake } = open();
    viewModel.state = { ...baseState, track: { ...baseState.track!, coverUri: 'file:///covers/ab12.jpg' } };
    fake.webview.received.fire({ type: 'ready' });
    const posted = fake.webview.posted[0] as { state: ViewState };
    assert.equal(posted.state.track?.coverUri, 'https://fake.vscode-cdn.net/covers/ab12.jpg');
  });

  it('disposes every listener when the user closes the panel', () => {
    const { fake } = open();
    fake.webview.received.fire({ type: 'ready' });
    assert.ok(viewModel.stateEmitter.listenerCount > 0);
    fake.dispose();
    assert.equal(viewModel.stateEmitter.listenerCount, 0);
    assert.equal(viewModel.queueEmitter.listenerCount, 0);
    assert.equal(viewModel.positionEmitter.listenerCount, 0);
    assert.equal(fake.webview.received.listenerCount, 0);
    assert.equal(PlayerPanel.current, undefined);
  });

  it('revives a restored panel: options set again, handshake as usual', () => {
    const restored = new FakeWebviewPanel('playhead.player', 'Playhead', { enableScripts: false });
    const panel = PlayerPanel.revive(restored as never, options);
    assert.equal(PlayerPanel.current, panel);
    assert.equal((restored.webview.options as { enableScripts: boolean }).enableScripts, true);
    restored.webview.received.fire({ type: 'ready' });
    assert.equal(restored.webview.posted.length, 2);
    panel.dispose();
    assert.equal(restored.disposed, true, 'disposing from code closes the tab');
  });

  it('registers a serializer for playhead.player that revives the panel', async () => {
    const registration = registerPlayerPanelSerializer(() => options);
    const serializer = serializers.get('playhead.player');
    assert.ok(serializer);
    const restored = new FakeWebviewPanel('playhead.player', 'Playhead', {});
    await serializer.deserializeWebviewPanel(restored, { filter: 'x' });
    assert.ok(PlayerPanel.current);
    restored.webview.received.fire({ type: 'ready' });
    assert.equal(restored.webview.posted.length, 2);
    registration.dispose();
    assert.equal(serializers.size, 0);
  });
});
