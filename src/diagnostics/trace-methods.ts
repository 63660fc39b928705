import { IDisposable, toDisposable } from '../base/lifecycle';
import type { Trace, TraceLane } from './trace';

/**
 * Records every call of the named methods of `target` as a complete ('X') event from call to
 * settlement, by shadowing them with instance properties; disposing removes the shadows (only
 * those still in place), so the object is exactly as before.
 *
 * Why shadow methods instead of an event per command: the player and the engine client are
 * finished components with no "command" event, and the call is what a trace should time (for
 * the engine client, a call is one IPC round-trip).
 */
export function traceMethods(
  target: object,
  names: readonly string[],
  trace: Trace,
  lane: TraceLane,
  cat: string,
  describeArgs: (name: string, args: unknown[]) => Record<string, unknown> | undefined = defaultArgs,
): IDisposable {
  const installed: { name: string; wrapper: unknown }[] = [];
  const record = target as Record<string, unknown>;
  for (const name of names) {
    const original = record[name];
    if (typeof original !== 'function') continue;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const span = trace.begin(lane, name, cat, describeArgs(name, args));
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        span.end({ error: describe(error) });
        throw error;
      }
      if (result instanceof Promise) {
        result.then(
          (value) => span.end(outcome(value)),
          (error) => span.end({ error: describe(error) }),
        );
      } else {
        span.end(outcome(result));
      }
      return result;
    };
    Object.defineProperty(target, name, { value: wrapper, configurable: true, writable: true, enumerable: false });
    installed.push({ name, wrapper });
  }
  return toDisposable(() => {
    for (const { name, wrapper } of installed) {
      if (record[name] === wrapper) delete record[name];
    }
  });
}

/** CommandResult-shaped values ({ ok, reason }) are summarised; anything else is left out. */
function outcome(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && 'ok' in value) {
    const result = value as { ok: unknown; reason?: unknown };
    return result.ok === true ? { ok: true } : { ok: false, reason: String(result.reason ?? '') };
  }
  return undefined;
}

function defaultArgs(_name: string, args: unknown[]): Record<string, unknown> | undefined {
  const simple = args.filter((a) => typeof a === 'number' || typeof a === 'boolean' || typeof a === 'string');
  return simple.length > 0 ? { args: simple } : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
