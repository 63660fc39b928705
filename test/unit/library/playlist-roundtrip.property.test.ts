import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import type { PlaylistEntry } from '../../../src/library/playlists/entry';
import { locationFor, resolveLocation } from '../../../src/library/playlists/locations';
import { compact, formatM3u, parseM3u } from '../../../src/library/playlists/m3u';
import { formatPls, parsePls } from '../../../src/library/playlists/pls';

/** A file or folder name: any Unicode except separators and line breaks, trimmed, not empty. */
const segment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  // eslint-disable-next-line no-control-regex -- NUL cannot be in a file name
  .map((s) => s.replace(/[/\\\r\n\u0000]/g, '_').trim())
  .filter((s) => s !== '' && s !== '.' && s !== '..');

const playlistDir = path.resolve('/work/space/.vscode/playlists');

const fileEntry = fc
  .record({
    segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
    up: fc.nat({ max: 3 }),
    duration: fc.option(fc.nat({ max: 36_000 }), { nil: undefined }),
    title: fc.option(segment, { nil: undefined }),
  })
  .map(({ segments, up, duration, title }) => {
    const target = path.resolve(playlistDir, ...Array(up).fill('..'), ...segments);
    const location = locationFor(target, playlistDir);
    return compact<PlaylistEntry>({ location, ...resolveLocation(location, playlistDir), duration, title });
  });

const urlEntry = fc.webUrl().map((url) => compact<PlaylistEntry>({ location: url, url }));

describe('library/playlists: round trips (property)', () => {
  it('M3U8: any entries with Unicode names and relative paths read back identical', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fileEntry, urlEntry), { maxLength: 20 }), (entries) => {
        assert.deepEqual(parseM3u(formatM3u(entries), playlistDir), entries);
        for (const entry of entries) {
          if (entry.path) assert.ok(!path.isAbsolute(entry.location), 'paths are written relative');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('PLS: any entries read back identical', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fileEntry, urlEntry), { maxLength: 20 }), (entries) => {
        assert.deepEqual(parsePls(formatPls(entries), playlistDir), entries);
      }),
      { numRuns: 1000 },
    );
  });
});
