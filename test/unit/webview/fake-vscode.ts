/**
 * Just enough of the `vscode` module for PlayerPanel to run in Node: webview panels whose
 * posts, html and options the tests can inspect, and whose events the tests can fire.
 * installFakeVscode() makes `require('vscode')` return it.
 */
import Module from 'node:module';
import { Emitter } from '../../../src/base/event';

export class FakeUri {
  constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(path: string): FakeUri {
    return new FakeUri('file', path);
  }
  static parse(value: string): FakeUri {
    const match = /^([a-z][\w+.-]*):(?:\/\/)?(.*)$/i.exec(value);
    return match ? new FakeUri(match[1]!, match[2]!.startsWith('/') ? match[2]! : `/${match[2]!}`) : new FakeUri('file', value);
  }
  static joinPath(base: FakeUri, ...segments: string[]): FakeUri {
    return new FakeUri(base.scheme, [base.path.replace(/\/$/, ''), ...segments].join('/'));
  }
  with(): FakeUri {
    return this;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export class FakeWebview {
  options: unknown;
  html = '';
  readonly cspSource = 'https://fake.vscode-cdn.net';
  readonly posted: unknown[] = [];
  readonly received = new Emitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  asWebviewUri(uri: FakeUri): FakeUri {
    return new FakeUri('https', `fake.vscode-cdn.net${uri.path}`);
  }
  postMessage(message: unknown): Thenable<boolean> {
    // Like VS Code, the message crosses a process boundary: the view gets a copy.
    this.posted.push(JSON.parse(JSON.stringify(message)));
    return Promise.resolve(true);
  }
}

export class FakeWebviewPanel {
  readonly webview = new FakeWebview();
  visible = true;
  disposed = false;
  revealed = 0;
  readonly viewStateEmitter = new Emitter<unknown>();
  readonly disposeEmitter = new Emitter<void>();
  readonly onDidChangeViewState = this.viewStateEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;
  constructor(
    readonly viewType: string,
    readonly title: string,
    options: unknown,
  ) {
    this.webview.options = options;
  }
  reveal(): void {
    this.revealed++;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.viewStateEmitter.fire({ webviewPanel: this });
  }
  /** The user closes the tab. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

export const created: FakeWebviewPanel[] = [];
export const serializers = new Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>();

export const fakeVscode = {
  Uri: FakeUri,
  ViewColumn: { Active: -1, Beside: -2, One: 1 },
  window: {
    createWebviewPanel(viewType: string, title: string, _column: unknown, options: unknown): FakeWebviewPanel {
      const panel = new FakeWebviewPanel(viewType, title, options);
      created.push(panel);
      return panel;
    },
    registerWebviewPanelSerializer(viewType: string, serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }) {
      serializers.set(viewType, serializer);
      return { dispose: () => serializers.delete(viewType) };
    },
  },
};

type Resolver = (request: string, ...rest: unknown[]) => string;

/** Routes `require('vscode')` to the fake; returns the undo. */
export function installFakeVscode(): () => void {
  const moduleApi = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };
  const original = moduleApi._resolveFilename;
  moduleApi._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : original.call(this, request, ...rest);
  };
  moduleApi._cache['vscode'] = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };
  return () => {
    moduleApi._resolveFilename = original;
  };
}
