import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter } from '../../../src/base/event';
import { Disposable } from '../../../src/base/lifecycle';
import { countEmitterListeners } from '../../../src/diagnostics/listener-census';
import { diffByKind, ResourceTracker } from '../../../src/diagnostics/resource-tracker';
import {
  countEmitterSubscriptions,
  trackChildProcess,
  trackDisposable,
  trackedDecoderOpener,
  trackedInterval,
  trackedListener,
  trackedTimeout,
  trackedTimers,
  trackServer,
  trackSocket,
  trackStream,
  trackWebview,
} from '../../../src/diagnostics/tracked';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ResourceTracker and the tracked helpers', () => {
  let tracker: ResourceTracker;
  beforeEach(() => {
    tracker = new ResourceTracker();
  });

  it('counts by kind and by owner, and forgets what was released', () => {
    const a = tracker.track('timer', 'A');
    const b = tracker.track('timer', 'B');
    tracker.track('stream', 'A');
    const before = tracker.snapshot();
    assert.deepEqual(before.byKind, { timer: 2, stream: 1 });
    assert.deepEqual(before.byOwner, { A: { timer: 1, stream: 1 }, B: { timer: 1 } });
    a.dispose();
    b.dispose();
    assert.equal(tracker.count('timer'), 0);
    assert.equal(tracker.count(undefined, 'A'), 1);
    assert.deepEqual(diffByKind(before, tracker.snapshot()), { timer: -2 });
    assert.deepEqual(tracker.snapshot().byOwner, { A: { stream: 1 } });
  });

  it('a timeout counts until it fires or is disposed; an interval until disposed', async () => {
    let fired = 0;
    trackedTimeout(() => fired++, 5, 'T', tracker);
    const cancelled = trackedTimeout(() => fired++, 5, 'T', tracker);
    const interval = trackedInterval(() => undefined, 5, 'T', tracker);
    assert.deepEqual(tracker.snapshot().byKind, { timer: 2, interval: 1 });
    cancelled.dispose();
    await sleep(30);
    assert.equal(fired, 1);
    assert.deepEqual(tracker.snapshot().byKind, { interval: 1 });
    interval.dispose();
    assert.equal(tracker.count(), 0);
    const host = trackedTimers('Scheduler', tracker);
    host.setTimeout(() => undefined, 1_000).dispose();
    assert.equal(tracker.count(), 0);
  });

  it('a child process counts until it has exited and closed', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 50)'], { stdio: 'ignore' });
    trackChildProcess(child, 'Engine', tracker);
    assert.equal(tracker.count('child-process'), 1);
    await once(child, 'close');
    assert.equal(tracker.count('child-process'), 0);
  });

  it('a server and its sockets count until closed', async () => {
    const server = net.createServer((socket) => {
      trackSocket(socket, 'Server', tracker);
      socket.end('bye');
    });
    trackServer(server, 'Server', tracker);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    trackSocket(client, 'Client', tracker);
    client.resume();
    await once(client, 'close');
    await sleep(10);
    assert.equal(tracker.count('socket'), 0, JSON.stringify(tracker.snapshot().byOwner));
    assert.equal(tracker.count('server'), 1);
    server.close();
    await once(server, 'close');
    assert.equal(tracker.count(), 0);
  });

  it('a stream counts until it closes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-tracked-'));
    try {
      const stream = fs.createWriteStream(path.join(dir, 'out.bin'));
      trackStream(stream, 'Writer', tracker);
      assert.equal(tracker.count('stream'), 1);
      stream.end(Buffer.alloc(10));
      await once(stream, 'close');
      assert.equal(tracker.count('stream'), 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a decoder counts until its own dispose runs (the opener wraps every decoder)', async () => {
    let disposed = 0;
    const open = trackedDecoderOpener(async (uri: string) => ({ uri, dispose: () => disposed++ }), 'Engine', tracker);
    const first = await open('/a.flac');
    const second = await open('/b.flac');
    assert.equal(tracker.count('decoder', 'Engine'), 2);
    first.dispose();
    first.dispose();
    assert.equal(tracker.count('decoder'), 1);
    second.dispose();
    assert.equal(tracker.count('decoder'), 0);
    assert.equal(disposed, 3, 'the decoder\'s own dispose still runs every time');
    const owned = trackDisposable('panel', new (class extends Disposable {})(), 'X', tracker);
    owned.dispose();
    assert.equal(tracker.count(), 0);
  });

  it('a webview counts until its panel is disposed; a listener until unsubscribed', () => {
    const onDidDispose = new Emitter<void>();
    trackWebview({ onDidDispose: onDidDispose.event }, 'Panel', tracker);
    const event = new Emitter<number>();
    const seen: number[] = [];
    const subscription = trackedListener(event.event, (n) => seen.push(n), 'Panel', tracker);
    assert.deepEqual(tracker.snapshot().byKind, { webview: 1, listener: 1 });
    event.fire(1);
    onDidDispose.fire();
    subscription.dispose();
    event.fire(2);
    assert.deepEqual(seen, [1]);
    assert.equal(tracker.count(), 0);
    assert.equal(event.listenerCount, 0);
  });

  it('countEmitterSubscriptions counts every Emitter subscription until it is removed or the emitter disposed', () => {
    const counting = countEmitterSubscriptions(tracker);
    try {
      const a = new Emitter<void>();
      const b = new Emitter<void>();
      const first = a.event(() => undefined);
      a.event(() => undefined);
      b.event(() => undefined);
      assert.equal(tracker.count('listener', 'Emitter'), 3);
      first.dispose();
      first.dispose();
      assert.equal(tracker.count('listener', 'Emitter'), 2, 'unsubscribing twice counts once');
      b.dispose();
      assert.equal(tracker.count('listener', 'Emitter'), 1, 'a disposed emitter drops its listeners');
    } finally {
      counting.dispose();
    }
    new Emitter<void>().event(() => undefined);
    assert.equal(tracker.count('listener', 'Emitter'), 1, 'not counted after dispose');
  });

  it('the listener census finds listeners on private emitters of nested owners', () => {
    class Inner extends Disposable {
      private readonly emitter = this._register(new Emitter<void>());
      readonly onFire = this.emitter.event;
    }
    class Outer extends Disposable {
      readonly children = [new Inner(), new Inner()];
      private readonly own = new Emitter<number>();
      readonly onOwn = this.own.event;
    }
    const outer = new Outer();
    const subscriptions = [outer.children[0]!.onFire(() => undefined), outer.children[1]!.onFire(() => undefined), outer.onOwn(() => undefined)];
    assert.deepEqual(countEmitterListeners(outer), { emitters: 3, listeners: 3 });
    for (const s of subscriptions) s.dispose();
    assert.deepEqual(countEmitterListeners(outer), { emitters: 3, listeners: 0 });
  });
});
