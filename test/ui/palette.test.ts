import * as assert from 'node:assert/strict';
import { useSession } from './support/session';

describe('command palette', () => {
  const session = useSession();

  it('lists Playhead commands under their category', async () => {
    const rows = await session().openPalette('Playhead:');
    const titles = await rows.allInnerTexts();
    assert.ok(titles.some((title) => title.includes('Playhead: Show Log')), `palette rows: ${titles.join(' | ')}`);
    await session().page.keyboard.press('Escape');
  });

  it('runs "Playhead: Show Log" and the log shows the activation line', async () => {
    await session().runCommand('Playhead: Show Log');
    const output = session().page.locator('.part.panel .view-lines');
    await output.filter({ hasText: /Playhead\s\S+\sactivated/ }).waitFor({ timeout: 20_000 });
  });
});
