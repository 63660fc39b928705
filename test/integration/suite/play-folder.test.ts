import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineClient } from '../../../src/engine/client';
import { Player } from '../../../src/player';
import { MementoStateStore } from '../../../src/vscode/memento-store';
import { captureSeconds, readCapture, soundSeconds, toneSeconds } from '../../harness/capture-analysis';
import { activateExtension, fixtureFolder, fixtureFrequency, repoPath, waitFor } from './support';

describe('Play Folder in the extension host', () => {
  after(async () => {
    await vscode.commands.executeCommand('playhead.stop');
  });

  it('queues the folder in play order, skips unreadable files, and plays through the engine', async () => {
    const ext = await activateExtension();
    const folder = fixtureFolder('album', ['tone-wav16.wav', 'tone-flac16.flac', 'tone-mp3-cbr.mp3', 'random-bytes.flac']);
    const capture = process.env.PLAYHEAD_TEST_CAPTURE;
    const capturedBefore = capture ? captureSeconds(capture) : 0;

    await vscode.commands.executeCommand('playhead.playFolder', vscode.Uri.file(folder));

    const queue = ext.player.getQueue().map((item) => path.basename(item.track.uri));
    assert.deepEqual(queue, ['tone-flac16.flac', 'tone-mp3-cbr.mp3', 'tone-wav16.wav'], 'natural order, the random-bytes file skipped');
    await waitFor('playing', () => ext.player.snapshot.state === 'playing');
    await waitFor('the position to advance', () => ext.player.snapshot.positionMs > 300, 10_000);
    assert.equal(ext.player.snapshot.queueIndex, 0, `still on the first track (error: ${ext.player.snapshot.error?.message ?? 'none'})`);
    assert.ok(capture, 'the harness records the audio output (PLAYHEAD_TEST_CAPTURE)');
    // Real output: naudiodon → ALSA → the harness's PulseAudio null sink, recorded by parec.
    await waitFor('some sound in the capture', () => soundSeconds(readCapture(capture), capturedBefore) >= 0.3, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const files = ['tone-flac16.flac', 'tone-mp3-cbr.mp3', 'tone-wav16.wav'];
    const heard = toneSeconds(readCapture(capture), capturedBefore, files.map(fixtureFrequency));
    const seconds = Object.fromEntries(files.map((file) => [file, Number(heard.get(fixtureFrequency(file))!.toFixed(1))]));
    const loudest = Object.entries(seconds).sort((a, b) => b[1] - a[1])[0]!;
    assert.equal(loudest[0], 'tone-flac16.flac', `the first track's tone should dominate what was heard (seconds per tone): ${JSON.stringify(seconds)}`);
    assert.ok(loudest[1] >= 0.3, `too little of the first track's tone in the capture (seconds per tone): ${JSON.stringify(seconds)}`);
  });

  it('resumes the saved queue, track and position from VS Code storage, paused', async () => {
    const ext = await activateExtension();
    await waitFor('a queue', () => ext.player.snapshot.queueLength > 0);
    await ext.player.playAt(1);
    await waitFor('playing the second track', () => ext.player.snapshot.state === 'playing' && ext.player.snapshot.queueIndex === 1);
    const seek = await ext.player.seek(1_000);
    assert.ok(seek.ok);
    await ext.player.pause();
    await ext.player.flush();
    const saved = ext.player.snapshot;

    // What a window reload does: a new player over the same storage, with a new engine process.
    const engine = new EngineClient({ enginePath: repoPath('dist/engine.js'), sink: 'null' });
    const store = new MementoStateStore(ext.context.workspaceState, ext.context.globalState);
    const restored = new Player({ engine, store });
    try {
      const snapshot = restored.snapshot;
      assert.equal(snapshot.state, 'paused');
      assert.equal(snapshot.queueIndex, 1);
      assert.deepEqual(restored.getQueue().map((i) => i.track.uri), ext.player.getQueue().map((i) => i.track.uri));
      assert.ok(Math.abs(snapshot.positionMs - saved.positionMs) <= 50, `position ${snapshot.positionMs} vs saved ${saved.positionMs}`);
      const play = await restored.play();
      assert.ok(play.ok, play.ok ? '' : play.message);
      await waitFor('the restored player to play on', () => restored.snapshot.state === 'playing' && restored.snapshot.positionMs >= saved.positionMs);
    } finally {
      restored.dispose();
      engine.dispose();
    }
  });
});
