import * as assert from 'node:assert/strict';
import Module from 'node:module';
import * as net from 'node:net';
import { Emitter } from '../../../src/base/event';
import { MemoryStateStore, Player } from '../../../src/player';
import { call, idleEngine } from './support';

/**
 * startApiServer (src/vscode/api-server.ts) against a small stand-in for the `vscode` module:
 * settings, the configuration-change event, SecretStorage, the clipboard, commands and
 * messages. The real module is only available inside VS Code.
 */

class FakeVscode {
  settings: Record<string, unknown> = { enabled: false, port: 0 };
  clipboard = '';
  readonly messages: string[] = [];
  readonly commands = new Map<string, () => Promise<void>>();
  readonly configChanged = new Emitter<{ affectsConfiguration(section: string): boolean }>();

  readonly module = {
    Disposable: class {
      constructor(private readonly fn: () => void) {}
      dispose(): void {
        this.fn();
      }
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: (section: string) => {
        assert.equal(section, 'playhead.api');
        return { get: <T>(key: string, fallback: T): T => (this.settings[key] as T | undefined) ?? fallback };
      },
      onDidChangeConfiguration: this.configChanged.event,
    },
    commands: {
      registerCommand: (id: string, run: () => Promise<void>) => {
        this.commands.set(id, run);
        return { dispose: () => this.commands.delete(id) };
      },
    },
    env: { clipboard: { writeText: async (text: string) => void (this.clipboard = text) } },
    window: {
      showInformationMessage: async (message: string) => void this.messages.push(`info: ${message}`),
      showWarningMessage: async (message: string) => void this.messages.push(`warning: ${message}`),
    },
  };

  change(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...settings };
    this.configChanged.fire({ affectsConfiguration: (section) => 'playhead.api'.startsWith(section) || section.startsWith('playhead.api') });
  }
}

/** Loads src/vscode/api-server.ts with `require('vscode')` answered by the fake, then puts things back. */
function loadWithFake(fake: FakeVscode): typeof import('../../../src/vscode/api-server') {
  const moduleApi = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const original = moduleApi._resolveFilename;
  const previous = moduleApi._cache['vscode'];
  const target = require.resolve('../../../src/vscode/api-server');
  moduleApi._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : original.call(this, request, ...rest);
  };
  moduleApi._cache['vscode'] = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake.module };
  try {
    delete moduleApi._cache[target];
    return require(target) as typeof import('../../../src/vscode/api-server');
  } finally {
    delete moduleApi._cache[target];
    moduleApi._resolveFilename = original;
    if (previous === undefined) delete moduleApi._cache['vscode'];
    else moduleApi._cache['vscode'] = previous;
  }
}

function fakeContext() {
  const secrets = new Map<string, string>();
  return {
    secrets: {
      get: async (key: string) => secrets.get(key),
      store: async (key: string, value: string) => void secrets.set(key, value),
    },
    stored: secrets,
  };
}

function fakeLog() {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, log: { info: log('info'), warn: log('warn'), error: log('error') } };
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('vscode: startApiServer', () => {
  const player = new Player({ engine: idleEngine(), store: new MemoryStateStore(), log: () => undefined });
  after(() => player.dispose());

  it('is off by default, copies a token generated once, starts and stops with the setting', async () => {
    const fake = new FakeVscode();
    const { startApiServer } = loadWithFake(fake);
    const context = fakeContext();
    const { lines, log } = fakeLog();
    const disposable = startApiServer(player, log as never, context as never);
    try {
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(lines.filter((l) => l.includes('listening')).length, 0, 'off by default');
      assert.equal(context.stored.size, 0, 'no token made while off');

      await fake.commands.get('playhead.copyApiToken')!();
      const token = fake.clipboard;
      assert.match(token, /^[0-9a-f]{64}$/);
      assert.match(fake.messages.at(-1)!, /copied to the clipboard/);
      await fake.commands.get('playhead.copyApiToken')!();
      assert.equal(fake.clipboard, token, 'generated once');

      fake.change({ enabled: true });
      const port = Number(await until('the server', () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(lines.join('\n'))?.[1]));
      assert.equal((await call(port, 'GET', '/api/v1/player/status', { token })).status, 200);
      assert.equal((await call(port, 'GET', '/api/v1/player/status', { token: 'f'.repeat(64) })).status, 401);

      fake.change({ enabled: false });
      await until('the stop', () => (lines.some((l) => l.includes('[api] stopped')) ? true : undefined));
      await assert.rejects(call(port, 'GET', '/api/v1/player/status', { token }), /ECONNREFUSED/);
    } finally {
      disposable.dispose();
    }
    assert.equal(fake.commands.has('playhead.copyApiToken'), false, 'command unregistered on dispose');
  });

  it('warns when the port is taken, and stops on dispose', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    const fake = new FakeVscode();
    fake.settings = { enabled: true, port: taken };
    const { startApiServer } = loadWithFake(fake);
    const { lines, log } = fakeLog();
    const disposable = startApiServer(player, log as never, fakeContext() as never);
    try {
      await until('the warning', () => fake.messages.find((m) => m.startsWith('warning:')));
      assert.match(fake.messages.find((m) => m.startsWith('warning:'))!, new RegExp(`port ${taken} is already in use`));
      assert.ok(lines.some((l) => l.startsWith('error: [api] could not start')));
    } finally {
      disposable.dispose();
      blocker.close();
    }
  });
});
