/**
 * Packages Playhead as users get it: a production build (minified bundles, naudiodon copied
 * to dist/native with an $ORIGIN rpath) in a VSIX made by vsce, the marketplace's own tool.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, repoRoot } from './paths';

export function packageVsix(outFile = path.join(cacheDir, 'playhead.vsix')): string {
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed (exit ${result.status})`);
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  run(process.execPath, ['esbuild.js', '--production']);
  // The README's images are relative: keep them so (there is no public repository to point at).
  run(path.join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', outFile]);
  return outFile;
}
