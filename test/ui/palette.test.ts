import * as assert from 'node:assert/strict';
import { useSession } from './support/session';

describe('command palette', () => {
  const session = useSession();

  it('lists Playhead commands under their category', async () => {
    // The palette's list is virtualized: ask for a few so every match is rendered.
    const rows = await session().openPalette('Playhead: Show');
    const titles = (await rows.allInnerTexts()).map((title) => title.split('\n')[0]);
    for (const expected of ['Playhead: Show Log', 'Playhead: Show Player', 'Playhead: Show Diagnostics']) {
      assert.ok(titles.includes(expected), `"${expected}" missing from the palette: ${titles.join(' | ')}`);
    }
    await session().page.keyboard.press('Escape');
  });

  it('runs "Playhead: Show Log" and the log shows the activation line', async () => {
    await session().runCommand('Playhead: Show Log');
    const output = session().page.locator('.part.panel .view-lines');
    await output.filter({ hasText: /Playhead\s\S+\sactivated/ }).waitFor({ timeout: 20_000 });
  });
});
