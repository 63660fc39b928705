import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonFileStore } from '../../../src/base/json-file-store';

describe('JsonFileStore', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-store-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips values through the file, creating missing folders', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'state.json');
    const store = await JsonFileStore.open(file);
    assert.equal(store.get('missing'), undefined);
    await store.update('queue', [{ uri: '/ä/ü.flac' }]);
    await store.update('volume', 0.5);
    await store.update('volume', undefined);
    const reopened = await JsonFileStore.open(file);
    assert.deepEqual(reopened.get('queue'), [{ uri: '/ä/ü.flac' }]);
    assert.equal(reopened.get('volume'), undefined);
    assert.deepEqual(reopened.keys(), ['queue']);
  });

  it('leaves no temp files and coalesces a burst of updates', async () => {
    const file = path.join(dir, 'state.json');
    const store = await JsonFileStore.open(file);
    let renames = 0;
    const realRename = fs.promises.rename;
    fs.promises.rename = async (...args: Parameters<typeof realRename>) => {
      renames++;
      return realRename(...args);
    };
    try {
      const writes = Array.from({ length: 50 }, (_, i) => store.update('n', i));
      await Promise.all(writes);
    } finally {
      fs.promises.rename = realRename;
    }
    assert.ok(renames >= 1 && renames <= 2, `50 updates cost ${renames} writes`);
    assert.deepEqual(fs.readdirSync(dir), ['state.json']);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { n: 49 });
  });

  it('an update during a write is written too', async () => {
    const file = path.join(dir, 'state.json');
    const store = await JsonFileStore.open(file);
    const first = store.update('a', 1);
    await Promise.resolve();
    const second = store.update('b', 2);
    await Promise.all([first, second]);
    await store.flush();
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { a: 1, b: 2 });
  });

  for (const [name, content] of [
    ['truncated JSON', '{"queue": [1, 2'],
    ['an array', '[1, 2, 3]'],
    ['binary junk', '\u0000\u0001\u0002'],
  ] as const) {
    it(`ignores a corrupt file (${name}) with a log line, and replaces it on the next write`, async () => {
      const file = path.join(dir, 'state.json');
      fs.writeFileSync(file, content);
      const logs: string[] = [];
      const store = await JsonFileStore.open(file, { log: (m) => logs.push(m) });
      assert.deepEqual(store.keys(), []);
      assert.equal(logs.length, 1);
      assert.match(logs[0]!, /Ignoring stored state in .*state\.json/);
      await store.update('ok', true);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { ok: true });
    });
  }

  it('reads return copies, so callers cannot change stored values by mutation', async () => {
    const store = await JsonFileStore.open(path.join(dir, 'state.json'));
    const value = { list: [1] };
    await store.update('k', value);
    value.list.push(2);
    store.get<{ list: number[] }>('k')!.list.push(3);
    assert.deepEqual(store.get('k'), { list: [1] });
  });

  it('a failed write rejects and is logged; the store keeps working', async () => {
    const blocker = path.join(dir, 'file-not-folder');
    fs.writeFileSync(blocker, '');
    const logs: string[] = [];
    const store = await JsonFileStore.open(path.join(blocker, 'state.json'), { log: (m) => logs.push(m) });
    await assert.rejects(store.update('k', 1));
    assert.match(logs.at(-1)!, /Could not save state to .*state\.json/);
    assert.equal(store.get('k'), 1);
  });
});
