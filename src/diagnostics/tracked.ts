import type { EventEmitter } from 'node:events';
import { setListenerProbe, type Event } from '../base/event';
import { IDisposable, toDisposable } from '../base/lifecycle';
import { ResourceKind, ResourceTracker, resources } from './resource-tracker';

/**
 * One-line opt-ins to resource accounting for the common kinds. Each returns an IDisposable
 * that the owner registers like the resource itself; resources that end on their own (a timer
 * that fired, a process that exited, a socket that closed) release their count by themselves.
 */

/** A timeout that counts as a live 'timer' until it fires or is disposed. */
export function trackedTimeout(fn: () => void, ms: number, owner: string, tracker: ResourceTracker = resources): IDisposable {
  const handle = tracker.track('timer', owner);
  const timer = setTimeout(() => {
    handle.dispose();
    fn();
  }, ms);
  return toDisposable(() => {
    clearTimeout(timer);
    handle.dispose();
  });
}

export function trackedInterval(fn: () => void, ms: number, owner: string, tracker: ResourceTracker = resources): IDisposable {
  const handle = tracker.track('interval', owner);
  const timer = setInterval(fn, ms);
  return toDisposable(() => {
    clearInterval(timer);
    handle.dispose();
  });
}

/** A `TimerHost` (the player's and the save scheduler's timer dependency) whose timers are counted. */
export function trackedTimers(owner: string, tracker: ResourceTracker = resources): { setTimeout(fn: () => void, ms: number): IDisposable } {
  return { setTimeout: (fn, ms) => trackedTimeout(fn, ms, owner, tracker) };
}

/**
 * Counts a Node emitter-based resource (child process, socket, server, stream) until it emits
 * one of `endEvents` or the handle is disposed, whichever comes first.
 */
export function trackEmitterResource(
  kind: ResourceKind,
  resource: EventEmitter,
  owner: string,
  endEvents: readonly string[] = ['close'],
  tracker: ResourceTracker = resources,
): IDisposable {
  const handle = tracker.track(kind, owner);
  const release = () => dispose.dispose();
  for (const name of endEvents) resource.once(name, release);
  const dispose = toDisposable(() => {
    handle.dispose();
    for (const name of endEvents) resource.off(name, release);
  });
  return dispose;
}

/** A child process counts until it exited and its stdio closed ('close'), or 'error' at spawn. */
export const trackChildProcess = (child: EventEmitter, owner: string, tracker?: ResourceTracker) =>
  trackEmitterResource('child-process', child, owner, ['close', 'error'], tracker);
export const trackSocket = (socket: EventEmitter, owner: string, tracker?: ResourceTracker) =>
  trackEmitterResource('socket', socket, owner, ['close'], tracker);
export const trackServer = (server: EventEmitter, owner: string, tracker?: ResourceTracker) =>
  trackEmitterResource('server', server, owner, ['close'], tracker);
/** Streams emit 'close' after end/finish/destroy when autoDestroy is on (the default). */
export const trackStream = (stream: EventEmitter, owner: string, tracker?: ResourceTracker) =>
  trackEmitterResource('stream', stream, owner, ['close'], tracker);

/**
 * Counts an IDisposable (a decoder, a panel controller) until its own dispose() runs: the
 * instance's dispose is wrapped, so callers keep disposing it as before.
 */
export function trackDisposable<T extends IDisposable>(kind: ResourceKind, item: T, owner: string, tracker: ResourceTracker = resources): T {
  const handle = tracker.track(kind, owner);
  const original = item.dispose;
  item.dispose = function (this: T) {
    handle.dispose();
    return original.call(this);
  };
  return item;
}

/** Wraps a decoder factory (e.g. LocalEngineOptions.openDecoder) so every decoder it opens is counted. */
export function trackedDecoderOpener<D extends IDisposable>(
  open: (uri: string) => Promise<D>,
  owner: string,
  tracker: ResourceTracker = resources,
): (uri: string) => Promise<D> {
  return async (uri) => trackDisposable('decoder', await open(uri), owner, tracker);
}

/** A webview panel (anything with onDidDispose, so this stays free of `vscode`) counts until it is disposed. */
export function trackWebview(panel: { onDidDispose: (listener: () => void) => IDisposable }, owner: string, tracker: ResourceTracker = resources): IDisposable {
  const handle = tracker.track('webview', owner);
  const subscription = panel.onDidDispose(() => handle.dispose());
  return toDisposable(() => {
    subscription.dispose();
    handle.dispose();
  });
}

/**
 * Counts every Emitter subscription in this process as a 'listener' of 'Emitter', from now until
 * the result is disposed (subscriptions made before show as negative when they go).
 */
export function countEmitterSubscriptions(tracker: ResourceTracker = resources): IDisposable {
  setListenerProbe((delta) => tracker.adjust('listener', 'Emitter', delta));
  return toDisposable(() => setListenerProbe(undefined));
}

/** Subscribes `listener` to `event`; the subscription counts as a 'listener' of `owner` until disposed. */
export function trackedListener<T>(event: Event<T>, listener: (value: T) => void, owner: string, tracker: ResourceTracker = resources): IDisposable {
  const handle = tracker.track('listener', owner);
  const subscription = event(listener);
  return toDisposable(() => {
    subscription.dispose();
    handle.dispose();
  });
}
