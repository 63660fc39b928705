/**
 * Tiny structural validators for messages crossing a trust boundary (webview ⇄ host).
 * Shared by both sides; no Node or VS Code imports. A validator returns the value typed, or
 * undefined: malformed input is dropped by the receiver, never half-used.
 */
export type Validator<T> = (value: unknown) => value is T;

export const isString: Validator<string> = (v): v is string => typeof v === 'string';
export const isBoolean: Validator<boolean> = (v): v is boolean => typeof v === 'boolean';
export const isFiniteNumber: Validator<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInteger: Validator<number> = (v): v is number => Number.isInteger(v);

export function isOneOf<const T extends readonly (string | number)[]>(values: T): Validator<T[number]> {
  return (v): v is T[number] => (values as readonly unknown[]).includes(v);
}

export function isOptional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (v): v is T | undefined => v === undefined || inner(v);
}

export function isArrayOf<T>(inner: Validator<T>, maxLength = 1_000_000): Validator<T[]> {
  return (v): v is T[] => Array.isArray(v) && v.length <= maxLength && v.every(inner);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Shape<T> = { [K in keyof T]-?: Validator<T[K]> };

/** An object with exactly the listed fields' types (extra fields are tolerated and ignored). */
export function isObject<T>(shape: Shape<T>): Validator<T> {
  const entries = Object.entries(shape) as [string, Validator<unknown>][];
  return (v): v is T => isRecord(v) && entries.every(([key, check]) => check(v[key]));
}
