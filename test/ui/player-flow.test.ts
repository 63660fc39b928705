import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { captureSeconds, frequencyTrack, readCapture } from '../harness/capture-analysis';
import { repoRoot } from '../harness/paths';
import { secondOfHz, writeStepTonesWav } from '../harness/step-tones';
import { useSession } from './support/session';

const STEP_SECONDS = 20;

/** A workspace with an album of two tracks: 20 s of stepped tones, then a 440 Hz tone. */
function makeWorkspace(): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-ui-flow-'));
  const album = path.join(workspace, 'album');
  fs.mkdirSync(album);
  writeStepTonesWav(path.join(album, '01 - Test Signals - Steps.wav'), STEP_SECONDS);
  fs.copyFileSync(path.join(repoRoot, 'test/fixtures/media/tone-wav16.wav'), path.join(album, '02 - Test Signals - Tone.wav'));
  return workspace;
}

describe('the player, as a person uses it', () => {
  const workspace = makeWorkspace();
  const session = useSession({ folder: workspace });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  const toggleItem = () => session().page.locator('[id="playhead.playhead.playhead.toggle"]');
  const titleItem = () => session().statusBarItem('Steps');

  it('Play Folder from the palette starts the album and the status bar shows it playing', async () => {
    const s = session();
    await s.runCommand('Playhead: Play Folder');
    await s.pickFolder(path.join(workspace, 'album'), 'Play Folder');
    await titleItem().waitFor({ timeout: 20_000 });
    await toggleItem().locator('.codicon-debug-pause').waitFor({ timeout: 10_000 });
  });

  it('the player panel lists the queue with the current track marked', async () => {
    const s = session();
    await titleItem().click();
    const view = s.webview();
    const rows = view.locator('.queue-list [role="option"]');
    await rows.first().waitFor({ timeout: 20_000 });
    const titles = await rows.allInnerTexts();
    assert.equal(titles.length, 2, titles.join(' | '));
    assert.match(titles[0]!, /Steps/);
    assert.match(titles[1]!, /Tone/);
    await view.locator('.now-playing', { hasText: 'Steps' }).waitFor();
    await s.screenshot('player-light');
  });

  it('pausing in the webview changes the status bar', async () => {
    const s = session();
    await s.webview().getByRole('button', { name: 'Pause' }).click();
    await toggleItem().locator('.codicon-play').waitFor({ timeout: 10_000 });
    await s.webview().getByRole('button', { name: 'Play' }).waitFor();
  });

  it('dragging the seek bar moves the position, and the captured audio jumps with it', async () => {
    const s = session();
    const view = s.webview();
    await view.getByRole('button', { name: 'Play' }).click();
    await toggleItem().locator('.codicon-debug-pause').waitFor({ timeout: 10_000 });
    // The seconds of the step track heard from here on, one per 100 ms window with sound. The
    // test waits for sound rather than for a fixed time: a busy machine can hold the sound
    // server back for seconds, and then nothing is heard however well Playhead plays.
    const heardFrom = captureSeconds(s.audio.captureFile);
    const heardSeconds = () => frequencyTrack(readCapture(s.audio.captureFile), 0.1, heardFrom).map((w) => secondOfHz(w.hz));
    const waitToHear = async (enough: (seconds: number[]) => boolean): Promise<number[]> => {
      const deadline = Date.now() + 15_000;
      let seconds = heardSeconds();
      while (!enough(seconds) && Date.now() < deadline) {
        await s.page.waitForTimeout(250);
        seconds = heardSeconds();
      }
      return seconds;
    };
    // Let a second and a half of the start be heard, then drag the thumb to 70 % of the track.
    await waitToHear((seconds) => seconds.length >= 15);
    const slider = view.getByRole('slider', { name: 'Seek' });
    const before = Number(await slider.getAttribute('aria-valuenow'));
    assert.ok(before < 0.7 * STEP_SECONDS - 4, `already at ${before} s before the seek`);
    const box = await slider.boundingBox();
    assert.ok(box, 'the seek bar is laid out');
    const y = box.y + box.height / 2;
    await s.page.mouse.move(box.x + box.width * 0.1, y);
    await s.page.mouse.down();
    await s.page.mouse.move(box.x + box.width * 0.4, y, { steps: 5 });
    await s.page.mouse.move(box.x + box.width * 0.7, y, { steps: 5 });
    await s.page.mouse.up();
    await s.page.waitForFunction(() => true);
    const target = 0.7 * STEP_SECONDS;
    await slider.and(view.locator('[aria-valuenow]')).waitFor();
    const valueNow = async () => Number(await slider.getAttribute('aria-valuenow'));
    const deadline = Date.now() + 10_000;
    while ((await valueNow()) < target - 1 && Date.now() < deadline) await s.page.waitForTimeout(100);
    assert.ok((await valueNow()) >= target - 1, `seek bar at ${await valueNow()} s, expected about ${target} s`);

    // Before the drag the audio is where the seek bar was; after it, where it was dragged to.
    const nearBefore = (seconds: number[]) => seconds.filter((k) => k >= before - 2 && k <= before + 1).length;
    const nearTarget = (seconds: number[]) => seconds.filter((k) => k >= target - 1 && k <= target + 3).length;
    const seconds = await waitToHear((heard) => nearTarget(heard) >= 15);
    assert.ok(nearBefore(seconds) >= 5, `the audio before the seek was not at ${before} s: ${seconds.join(',')}`);
    assert.ok(nearTarget(seconds) >= 5, `the audio did not jump to ~${target} s after the seek: ${seconds.join(',')}`);
    await s.screenshot('player-light-after-seek');
  });

  it('follows a switch to a dark theme', async () => {
    const s = session();
    await s.runCommand('Preferences: Toggle between Light/Dark Themes');
    await s.page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 10_000 });
    // The webview gets the theme's variables as a body class; the panel must follow without a reload.
    await s.webview().locator('body.vscode-dark').waitFor({ timeout: 10_000 });
    await s.screenshot('player-dark');
  });
});
