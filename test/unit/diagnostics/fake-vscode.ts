/**
 * Just enough of the `vscode` module for registerDiagnostics to run in Node: commands,
 * configuration, a content provider registry, messages, the save dialog, the clipboard and
 * workspace.fs. installFakeVscode() routes `require('vscode')` to it and returns the undo,
 * which puts back whatever was there before (other suites install their own fake).
 */
import * as fs from 'node:fs';
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
  static from(parts: { scheme: string; path: string }): FakeUri {
    return new FakeUri(parts.scheme, parts.path);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}:${this.path}`;
  }
}

export interface Message {
  readonly level: 'info' | 'warning' | 'error';
  readonly text: string;
  readonly actions: string[];
}

export function createFakeVscode() {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const executed: { id: string; args: unknown[] }[] = [];
  const providers = new Map<string, { provideTextDocumentContent(uri: FakeUri): Promise<string> | string; onDidChange?: unknown }>();
  const settings = new Map<string, unknown>();
  const configurationChanged = new Emitter<{ affectsConfiguration(section: string): boolean }>();
  const documentClosed = new Emitter<{ uri: FakeUri }>();
  const messages: Message[] = [];
  const state = { clipboard: '', saveTarget: undefined as FakeUri | undefined, messageAnswer: undefined as string | undefined };
  const message = (level: Message['level']) => (text: string, ...actions: unknown[]) => {
    messages.push({ level, text, actions: actions.filter((a): a is string => typeof a === 'string') });
    return Promise.resolve(state.messageAnswer);
  };
  const api = {
    Uri: FakeUri,
    EventEmitter: class<T> {
      private readonly emitter = new Emitter<T>();
      readonly event = this.emitter.event;
      fire(value: T) {
        this.emitter.fire(value);
      }
      dispose() {
        this.emitter.dispose();
      }
    },
    ProgressLocation: { Notification: 15 },
    commands: {
      registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
        if (commands.has(id)) throw new Error(`command ${id} already registered`);
        commands.set(id, handler);
        return { dispose: () => commands.delete(id) };
      },
      async executeCommand(id: string, ...args: unknown[]) {
        executed.push({ id, args });
        return commands.get(id)?.(...args);
      },
    },
    workspace: {
      registerTextDocumentContentProvider(scheme: string, provider: { provideTextDocumentContent(uri: FakeUri): Promise<string> | string }) {
        providers.set(scheme, provider);
        return { dispose: () => providers.delete(scheme) };
      },
      onDidCloseTextDocument: documentClosed.event,
      onDidChangeConfiguration: configurationChanged.event,
      getConfiguration(section: string) {
        return { get: <T>(key: string, fallback: T): T => (settings.has(`${section}.${key}`) ? (settings.get(`${section}.${key}`) as T) : fallback) };
      },
      fs: {
        async writeFile(uri: FakeUri, content: Uint8Array) {
          fs.writeFileSync(uri.fsPath, content);
        },
      },
    },
    window: {
      showInformationMessage: message('info'),
      showWarningMessage: message('warning'),
      showErrorMessage: message('error'),
      async showSaveDialog() {
        return state.saveTarget;
      },
      async showTextDocument() {
        return undefined;
      },
      async withProgress<T>(_options: unknown, task: () => Promise<T>) {
        return task();
      },
    },
    env: {
      clipboard: {
        async writeText(text: string) {
          state.clipboard = text;
        },
      },
    },
  };
  return {
    api,
    commands,
    executed,
    providers,
    messages,
    state,
    documentClosed,
    setSetting(key: string, value: unknown) {
      settings.set(key, value);
      configurationChanged.fire({ affectsConfiguration: (section: string) => key.startsWith(section) });
    },
  };
}

type Resolver = (request: string, ...rest: unknown[]) => string;

export function installFakeVscode(fake: unknown): () => void {
  const moduleApi = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };
  const original = moduleApi._resolveFilename;
  const previous = moduleApi._cache['vscode'];
  moduleApi._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : original.call(this, request, ...rest);
  };
  moduleApi._cache['vscode'] = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake };
  return () => {
    moduleApi._resolveFilename = original;
    if (previous === undefined) delete moduleApi._cache['vscode'];
    else moduleApi._cache['vscode'] = previous;
  };
}
