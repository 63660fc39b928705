import * as assert from 'node:assert/strict';
import { compileGlobs, globToRegExp } from '../../../src/library/glob';

describe('library/glob', () => {
  const matches = (pattern: string, p: string, caseInsensitive = false) => globToRegExp(pattern, { caseInsensitive }).test(p);

  it('matches * within one segment only', () => {
    assert.equal(matches('*.tmp', 'a.tmp'), true);
    assert.equal(matches('*.tmp', 'deep/down/a.tmp'), true, 'slash-free patterns match at any depth');
    assert.equal(matches('music/*.tmp', 'music/a.tmp'), true);
    assert.equal(matches('music/*.tmp', 'music/sub/a.tmp'), false);
    assert.equal(matches('music/*.tmp', 'other/music/a.tmp'), false, 'patterns with a slash are anchored');
  });

  it('matches ** across any number of segments, including none', () => {
    assert.equal(matches('**/demo/*.mp3', 'demo/a.mp3'), true);
    assert.equal(matches('**/demo/*.mp3', 'x/y/demo/a.mp3'), true);
    assert.equal(matches('a/**/b', 'a/b'), true);
    assert.equal(matches('a/**/b', 'a/x/y/b'), true);
    assert.equal(matches('a/**', 'a/x/y'), true);
    assert.equal(matches('a/**/b', 'a/x/c'), false);
  });

  it('matches ? as one character and {a,b} as alternatives', () => {
    assert.equal(matches('track?.mp3', 'track1.mp3'), true);
    assert.equal(matches('track?.mp3', 'track10.mp3'), false);
    assert.equal(matches('track?.mp3', 'track/.mp3'), false);
    assert.equal(matches('*.{wav,flac}', 'x.flac'), true);
    assert.equal(matches('*.{wav,flac}', 'x.mp3'), false);
    assert.equal(matches('{demos,drafts/{old,new}}/**', 'drafts/old/x.mp3'), true);
    assert.equal(matches('{demos,drafts/{old,new}}/**', 'drafts/mid/x.mp3'), false);
  });

  it('supports character classes and escapes, and treats regex characters literally', () => {
    assert.equal(matches('[ab]*.mp3', 'b-side.mp3'), true);
    assert.equal(matches('[!ab]*.mp3', 'b-side.mp3'), false);
    assert.equal(matches('a+b (live).mp3', 'a+b (live).mp3'), true);
    assert.equal(matches('a+b (live).mp3', 'aab (live).mp3'), false);
    assert.equal(matches('\\*.mp3', '*.mp3'), true);
    assert.equal(matches('\\*.mp3', 'x.mp3'), false);
  });

  it('honours case sensitivity', () => {
    assert.equal(matches('*.TMP', 'a.tmp'), false);
    assert.equal(matches('*.TMP', 'a.tmp', true), true);
  });

  it('combines patterns, ignoring blanks and comments, and accepts backslash paths', () => {
    const isIgnored = compileGlobs(['', '# comment', 'node_modules', 'Samples/'], {});
    assert.equal(isIgnored('x/node_modules'), true);
    assert.equal(isIgnored('Samples'), true);
    assert.equal(isIgnored('x\\node_modules'), true);
    assert.equal(isIgnored('x/comment'), false);
    assert.equal(compileGlobs([])('anything'), false);
  });
});
