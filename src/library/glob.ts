/**
 * A small glob matcher for ignore patterns. Node's `path.matchesGlob` exists in Node 20.20 but
 * is experimental there (it prints a warning on first use) and its behaviour may change, so
 * the library carries its own, with a fixed and tested dialect:
 *
 *   `*`      any run of characters except `/`
 *   `?`      one character except `/`
 *   `**`     as a whole path segment: any number of segments (including none)
 *   `{a,b}`  alternatives (may nest, may contain the other wildcards)
 *   `[abc]`, `[a-z]`, `[!a]`  one character from (or not from) a class
 *   `\x`     a literal x
 *
 * Paths are matched with `/` separators. A pattern without a `/` matches a name at any depth
 * (`*.tmp`, `node_modules`), like .gitignore; a pattern with a `/` is anchored at the root
 * (a leading `/` is allowed and ignored).
 */

export interface GlobOptions {
  /** Match letters regardless of case (the default on Windows and macOS file systems). */
  readonly caseInsensitive?: boolean;
}

export type PathMatcher = (relativePath: string) => boolean;

export function globToRegExp(pattern: string, options: GlobOptions = {}): RegExp {
  let source = pattern.trim();
  // A trailing slash ("build/") only says "a folder"; the scanner tests folders by name too.
  if (source.endsWith('/')) source = source.slice(0, -1);
  const anchored = source.includes('/');
  if (source.startsWith('/')) source = source.slice(1);
  const body = translate(source);
  const prefix = anchored ? '^' : '^(?:.*/)?';
  return new RegExp(`${prefix}${body}$`, options.caseInsensitive ? 'isu' : 'su');
}

/** What `compileGlobs` returns for a list without patterns, so callers can skip the matching. */
export const matchesNothing: PathMatcher = () => false;

/** One matcher for a list of patterns; empty patterns and `#` comments are ignored. */
export function compileGlobs(patterns: readonly string[], options: GlobOptions = {}): PathMatcher {
  const regexps = patterns
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#'))
    .map((p) => globToRegExp(p, options));
  if (regexps.length === 0) return matchesNothing;
  return (relativePath) => {
    const normalised = relativePath.replace(/\\/g, '/');
    return regexps.some((re) => re.test(normalised));
  };
}

function translate(glob: string): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[i + 1]!);
      i += 2;
    } else if (c === '*') {
      if (glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/')) {
        // `**` as a whole segment.
        if (i + 2 === glob.length) {
          out += '.*';
          i += 2;
        } else {
          out += '(?:[^/]*/)*';
          i += 3;
        }
      } else {
        // A lone `*` (or `**` glued to other characters, which acts like `*`).
        while (glob[i] === '*') i++;
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const end = findClassEnd(glob, i);
      if (end === -1) {
        out += '\\[';
        i++;
      } else {
        let inner = glob.slice(i + 1, end);
        const negated = inner.startsWith('!') || inner.startsWith('^');
        if (negated) inner = inner.slice(1);
        const escaped = inner.replace(/[\\\]^]/g, (m) => `\\${m}`);
        out += negated ? `[^/${escaped}]` : `[${escaped}]`;
        i = end + 1;
      }
    } else if (c === '{') {
      const end = findBraceEnd(glob, i);
      if (end === -1) {
        out += '\\{';
        i++;
      } else {
        const alternatives = splitTopLevel(glob.slice(i + 1, end));
        out += `(?:${alternatives.map(translate).join('|')})`;
        i = end + 1;
      }
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return out;
}

function findClassEnd(glob: string, start: number): number {
  // A `]` right after `[` or `[!` is a literal member, as in POSIX.
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++;
  for (; i < glob.length; i++) {
    if (glob[i] === '/') return -1;
    if (glob[i] === ']') return i;
  }
  return -1;
}

function findBraceEnd(glob: string, start: number): number {
  let depth = 0;
  for (let i = start; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length) {
      current += c + inner[i + 1];
      i++;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
