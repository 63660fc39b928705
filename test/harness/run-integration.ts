/**
 * Integration layer: mocha inside the extension host of a real VS Code (code-server's VS Code
 * server + the workbench in headless Chromium), the offline equivalent of
 * @vscode/test-electron (run-integration-desktop.ts, for machines that can download VS Code).
 * Expects `node esbuild.js --tests` to have built dist/ and out/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { playerLogTails } from './failure-report';
import { startPulseCapture } from './pulse';
import { provision } from './provision';
import { repoRoot, resultsDir } from './paths';
import { startServer } from './server';
import { openWorkbench } from './workbench';
import { readSuiteReport } from './suite-report';
import { writeSummary } from './summary';

const TIMEOUT_MS = 8 * 60_000;

async function main(): Promise<number> {
  provision();
  fs.mkdirSync(resultsDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-integration-'));
  const workspace = path.join(scratch, 'workspace');
  fs.mkdirSync(workspace);
  const report = path.join(scratch, 'report.txt');
  const audio = await startPulseCapture(path.join(scratch, 'audio'));
  const server = await startServer({
    logFile: path.join(resultsDir, 'integration-server.log'),
    env: {
      ...audio.env,
      PLAYHEAD_TEST_REPORT: report,
      PLAYHEAD_TEST_WORKSPACE: workspace,
      PLAYHEAD_TEST_CAPTURE: audio.captureFile,
      PLAYHEAD_REPO: repoRoot,
      ...(process.env.PLAYHEAD_TEST_GREP ? { PLAYHEAD_TEST_GREP: process.env.PLAYHEAD_TEST_GREP } : {}),
    },
  });
  const workbenchLog = fs.createWriteStream(path.join(resultsDir, 'integration-workbench.log'));
  let exitCode: number;
  try {
    const exited = new Promise<number>((resolve) => {
      void openWorkbench({
        baseUrl: server.baseUrl,
        folder: workspace,
        testsPath: path.join(repoRoot, 'out/test/suite/index'),
        onLog: (type, args) => workbenchLog.write(`[${type}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`),
        onExit: resolve,
      }).then((wb) => exited.finally(() => wb.close()));
    });
    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        process.stderr.write(`integration: no result after ${TIMEOUT_MS / 1000} s\n`);
        resolve(1);
      }, TIMEOUT_MS).unref(),
    );
    exitCode = await Promise.race([exited, timeout]);
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    workbenchLog.end();
    await audio.stop();
  }
  const { text, summary } = readSuiteReport(report);
  process.stdout.write(text);
  const passed = exitCode === 0 && summary !== undefined && summary.failed === 0;
  // On failure keep the evidence: the audio capture, PulseAudio's and VS Code's logs, the workspace.
  await server.stop({ keepData: !passed });
  if (passed) {
    fs.rmSync(scratch, { recursive: true, force: true });
  } else {
    process.stderr.write(`integration: kept ${scratch} (audio capture) and ${server.dataDir} (VS Code logs)\n`);
    process.stderr.write(playerLogTails(server.dataDir, audio.logFile, 80));
  }
  if (!summary) {
    process.stderr.write('integration: the suite did not report (see test-results/integration-*.log)\n');
    writeSummary('integration', { passed: 0, failed: 1, skipped: 0 });
    return 1;
  }
  writeSummary('integration', summary);
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`integration: ${error instanceof Error ? error.message : String(error)}\n`);
    writeSummary('integration', { passed: 0, failed: 1, skipped: 0 });
    process.exit(1);
  },
);
