/**
 * The in-host suite (test/integration/suite/index.ts) writes mocha's report to a file and
 * ends it with a summary line; both integration runners read it back the same way.
 */
import * as fs from 'node:fs';
import type { LayerSummary } from './summary';

const SUMMARY_PREFIX = 'PLAYHEAD_SUMMARY ';

export function readSuiteReport(reportFile: string): { readonly text: string; readonly summary: LayerSummary | undefined } {
  const lines = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8').split('\n') : [];
  const summaryLine = lines.find((line) => line.startsWith(SUMMARY_PREFIX));
  return {
    text: lines.filter((line) => !line.startsWith(SUMMARY_PREFIX)).join('\n'),
    summary: summaryLine ? (JSON.parse(summaryLine.slice(SUMMARY_PREFIX.length)) as LayerSummary) : undefined,
  };
}
