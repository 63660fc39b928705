/**
 * Integration layer on desktop VS Code, through @vscode/test-electron: it downloads VS Code
 * (into .vscode-test/) and runs the same in-host suite as the code-server runner. Needs the
 * network and a display (or xvfb-run). `PLAYHEAD_VSCODE=desktop npm test` selects it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './paths';
import { readSuiteReport } from './suite-report';
import { writeSummary } from './summary';

async function main(): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-integration-desktop-'));
  const workspace = path.join(scratch, 'workspace');
  fs.mkdirSync(workspace);
  const report = path.join(scratch, 'report.txt');
  let launched = true;
  try {
    await runTests({
      version: process.env.PLAYHEAD_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out/test/suite/index'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
      extensionTestsEnv: { PLAYHEAD_TEST_REPORT: report, PLAYHEAD_TEST_WORKSPACE: workspace, PLAYHEAD_REPO: repoRoot },
    });
  } catch (error) {
    // runTests rejects when the suite fails as well as when VS Code cannot start.
    launched = fs.existsSync(report);
    if (!launched) process.stderr.write(`integration (desktop): ${error instanceof Error ? error.message : String(error)}\n`);
  }
  const { text, summary } = readSuiteReport(report);
  process.stdout.write(text);
  fs.rmSync(scratch, { recursive: true, force: true });
  const result = summary ?? { passed: 0, failed: 1, skipped: 0 };
  writeSummary('integration', result);
  return launched && result.failed === 0 && summary !== undefined ? 0 : 1;
}

void main().then((code) => process.exit(code));
