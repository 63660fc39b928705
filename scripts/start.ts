/**
 * `npm start`, the main job: build Playhead, start a real VS Code (code-server's VS Code
 * server) on 127.0.0.1 with Playhead installed and the demo album open, and print the URL.
 * Runs until Ctrl-C. Desktop users can press F5 in VS Code instead ("Run Extension").
 */
import * as path from 'node:path';
import { repoRoot } from '../test/harness/paths';
import { provision } from '../test/harness/provision';
import { freePort, startServer } from '../test/harness/server';
import { packageVsix } from '../test/harness/vsix';

async function main(): Promise<void> {
  provision();
  // Playhead as users get it: a production build packaged as a VSIX and installed.
  const vsix = packageVsix();
  const requested = Number(process.env.PLAYHEAD_PORT ?? 8642);
  const port = await freePort().then((fallback) => (Number.isInteger(requested) && requested > 0 ? requested : fallback));
  const demo = path.join(repoRoot, 'media/demo');
  const server = await startServer({
    port,
    installVsix: vsix,
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
  const url = `${server.baseUrl}/?folder=${encodeURIComponent(demo)}`;
  process.stdout.write(
    [
      '',
      `Playhead is running in VS Code ${'at'} ${url}`,
      '',
      '  Open the URL in a browser, then press F1 and run "Playhead: Play Folder"',
      '  (or right-click a track in the Explorer). Audio plays on this machine.',
      '',
      '  Ctrl-C stops the server.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (process.env.CI === 'true' || process.env.PLAYHEAD_START_SMOKE === '1') {
    // A smoke run (CI, tests): prove the workbench answers, then stop.
    const response = await fetch(url);
    process.stdout.write(`workbench answered HTTP ${response.status}\n`);
    stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
