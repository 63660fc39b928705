/**
 * Entry point the VS Code extension host loads as `extensionTestsPath`: runs every
 * `*.test.js` beside it with mocha, inside the real extension host. The report is written to
 * the file named by PLAYHEAD_TEST_REPORT (the harness prints it), with a final summary line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const reportFile = process.env.PLAYHEAD_TEST_REPORT;
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  Base.useColors = false;
  if (reportFile) {
    fs.writeFileSync(reportFile, '');
    Base.consoleLog = (...args: unknown[]) => {
      fs.appendFileSync(reportFile, `${format(...args)}\n`);
    };
  }
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: false });
  const grep = process.env.PLAYHEAD_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.test.js'))
    .sort();
  for (const file of files) {
    mocha.addFile(path.join(__dirname, file));
  }
  const { passes, failures, pending } = await new Promise<{ passes: number; failures: number; pending: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
  });
  if (reportFile) {
    fs.appendFileSync(reportFile, `PLAYHEAD_SUMMARY ${JSON.stringify({ passed: passes, failed: failures, skipped: pending })}\n`);
  }
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed`);
  }
}
