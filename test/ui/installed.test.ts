import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/paths';
import { useSession } from './support/session';

/**
 * The main job as a user gets it: Playhead installed from its packaged files (what `npm start`
 * and a VSIX ship: bundles, dist/native, no node_modules), playing the demo album.
 */
describe('installed Playhead plays the demo album', () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-ui-demo-'));
  fs.cpSync(path.join(repoRoot, 'media/demo'), path.join(workspace, 'demo'), { recursive: true });
  const session = useSession({ folder: workspace, installed: true });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('plays the album from the Explorer context menu and shows it in the status bar', async () => {
    const s = session();
    const folder = s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'demo' });
    await folder.waitFor({ timeout: 30_000 });
    await s.chooseFromContextMenu(folder, 'Play with Playhead');
    await s.statusBarItem('Tonic Water').waitFor({ timeout: 30_000 });
    await s.page.locator('[id="playhead.playhead.playhead.toggle"] .codicon-debug-pause').waitFor({ timeout: 15_000 });
    await s.screenshot('installed-demo-album');
  });
});
