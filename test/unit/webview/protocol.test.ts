import * as assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage, ViewState } from '../../../src/protocol/messages';

const state: ViewState = {
  version: 3,
  state: 'playing',
  track: { id: 't1', title: 'Saman', artist: 'Ólafur Arnalds', album: undefined, durationMs: 135_000, coverUri: undefined, favorite: false },
  currentIndex: 2,
  positionMs: 1200,
  positionAt: 1_700_000_000_000,
  durationMs: 135_000,
  volume: 0.7,
  muted: false,
  shuffle: false,
  repeat: 'all',
  error: undefined,
  queueVersion: 1,
  streamTitle: undefined,
  bufferingProgress: undefined,
};

describe('protocol validators', () => {
  describe('host → webview', () => {
    it('accepts well-formed messages', () => {
      assert.ok(parseHostMessage({ type: 'state', state }));
      assert.ok(parseHostMessage({ type: 'state', state: { ...state, track: undefined, durationMs: undefined } }));
      assert.ok(parseHostMessage({ type: 'state', state: { ...state, state: 'buffering', streamTitle: 'Artist - Song', bufferingProgress: 0.4 } }));
      assert.ok(parseHostMessage({ type: 'position', positionMs: 5, positionAt: 6, playing: true }));
      assert.ok(parseHostMessage({ type: 'queue', version: 2, items: [{ id: 'a', title: 'A', artist: undefined, album: 'X', durationMs: 1 }] }));
      assert.ok(parseHostMessage({ type: 'queue', version: 2, items: [] }));
      assert.ok(parseHostMessage({ type: 'reply', id: 4, ok: false, error: 'nope' }));
      assert.ok(parseHostMessage({ type: 'reply', id: 4, ok: true, error: undefined }));
    });

    it('rejects malformed messages', () => {
      const bad: unknown[] = [
        null,
        'state',
        [],
        { type: 'nope' },
        { type: 'state' },
        { type: 'state', state: { ...state, state: 'exploding' } },
        { type: 'state', state: { ...state, volume: 1.5 } },
        { type: 'state', state: { ...state, repeat: 'sometimes' } },
        { type: 'state', state: { ...state, positionMs: NaN } },
        { type: 'state', state: { ...state, track: { ...state.track, title: 42 } } },
        { type: 'state', state: { ...state, version: 1.5 } },
        { type: 'state', state: { ...state, streamTitle: 7 } },
        { type: 'state', state: { ...state, bufferingProgress: 1.2 } },
        { type: 'state', state: { ...state, bufferingProgress: '40 %' } },
        { type: 'position', positionMs: '5', positionAt: 6, playing: true },
        { type: 'position', positionMs: 5, positionAt: Infinity, playing: true },
        { type: 'position', positionMs: 5, positionAt: 6 },
        { type: 'queue', version: 1, items: [{ id: 'a' }] },
        { type: 'queue', version: 1, items: 'all' },
        { type: 'queue', items: [] },
        { type: 'reply', id: -1, ok: true },
        { type: 'reply', id: 1, ok: 'yes' },
        { type: 'reply', id: 1, ok: false, error: 7 },
      ];
      for (const message of bad) assert.equal(parseHostMessage(message), undefined, JSON.stringify(message));
    });
  });

  describe('webview → host', () => {
    it('accepts every command the view sends', () => {
      const commands = [
        { command: 'toggle' },
        { command: 'play' },
        { command: 'pause' },
        { command: 'stop' },
        { command: 'next' },
        { command: 'previous' },
        { command: 'seek', positionMs: 1234 },
        { command: 'setVolume', volume: 0 },
        { command: 'setVolume', volume: 1 },
        { command: 'toggleMute' },
        { command: 'toggleShuffle' },
        { command: 'cycleRepeat' },
        { command: 'toggleFavorite' },
        { command: 'playIndex', index: 0 },
        { command: 'removeIndex', index: 9999 },
        { command: 'move', from: 3, to: 0 },
        { command: 'playFolder' },
      ];
      commands.forEach((command, id) => {
        assert.ok(parseWebviewMessage({ type: 'command', id, ...command }), command.command);
      });
      assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
      assert.deepEqual(parseWebviewMessage({ type: 'log', level: 'warn', message: 'hm' }), { type: 'log', level: 'warn', message: 'hm' });
    });

    it('rejects malformed commands and unknown messages', () => {
      const bad: unknown[] = [
        undefined,
        { type: 'command', id: 1, command: 'explode' },
        { type: 'command', id: 1, command: 'toString' },
        { type: 'command', id: 1, command: '__proto__' },
        { type: 'command', command: 'play' },
        { type: 'command', id: -2, command: 'play' },
        { type: 'command', id: 1, command: 'seek' },
        { type: 'command', id: 1, command: 'seek', positionMs: -5 },
        { type: 'command', id: 1, command: 'setVolume', volume: 2 },
        { type: 'command', id: 1, command: 'playIndex', index: 1.5 },
        { type: 'command', id: 1, command: 'move', from: 1 },
        { type: 'log', level: 'fatal', message: 'x' },
        { type: 'log', level: 'info' },
        { type: 'hello' },
      ];
      for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
    });

    it('passes on only the checked fields of a command', () => {
      assert.deepEqual(parseWebviewMessage({ type: 'command', id: 3, command: 'seek', positionMs: 5, extra: 'x', __proto__: { evil: 1 } }), {
        type: 'command',
        id: 3,
        command: 'seek',
        positionMs: 5,
      });
      assert.deepEqual(parseWebviewMessage({ type: 'command', id: 4, command: 'play', index: 9 }), { type: 'command', id: 4, command: 'play' });
    });

    it('caps log messages from the view', () => {
      const parsed = parseWebviewMessage({ type: 'log', level: 'info', message: 'x'.repeat(10_000) });
      assert.equal(parsed?.type === 'log' && parsed.message.length, 2000);
    });
  });
});
