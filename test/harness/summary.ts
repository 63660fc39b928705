/** Each layer writes its counts here; test/run.mjs adds them into one closing line. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resultsDir } from './paths';

export interface LayerSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function writeSummary(layer: string, summary: LayerSummary): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `summary-${layer}.json`), JSON.stringify(summary));
}
