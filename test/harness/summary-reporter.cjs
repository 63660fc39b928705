// Mocha's spec reporter, plus the layer's counts written to test-results/summary-<layer>.json
// so test/run.mjs can print one closing line for every layer.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const layer = process.env.PLAYHEAD_TEST_LAYER || 'unit';
      const dir = path.resolve(__dirname, '../../test-results');
      fs.mkdirSync(dir, { recursive: true });
      const { passes = 0, failures = 0, pending = 0 } = runner.stats || {};
      fs.writeFileSync(path.join(dir, `summary-${layer}.json`), JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}

module.exports = SummaryReporter;
