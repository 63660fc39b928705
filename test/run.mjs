#!/usr/bin/env node
/**
 * `npm test`: every layer, in order, then one closing line with the totals.
 *
 *   static       typecheck + lint
 *   unit         mocha in plain Node over the vscode-free core (test/unit)
 *   integration  mocha inside a real VS Code extension host (test/integration)
 *   ui           the real workbench in headless Chromium (test/ui)
 *
 * `node test/run.mjs unit ui` runs only the named layers. Apt packages are installed first
 * (as root); the integration and UI layers install code-server into .vscode-test/ on first use.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
const allLayers = ['static', 'unit', 'integration', 'ui'];
const requested = process.argv.slice(2);
const unknown = requested.filter((layer) => !allLayers.includes(layer));
if (unknown.length > 0) {
  console.error(`unknown test layer(s): ${unknown.join(', ')} (known: ${allLayers.join(', ')})`);
  process.exit(2);
}
const layers = requested.length > 0 ? requested : allLayers;
const bin = (name) => path.join(root, 'node_modules/.bin', name);

function run(label, command, args, env = {}) {
  const started = Date.now();
  console.log(`\n── ${label} ${'─'.repeat(Math.max(0, 60 - label.length))}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`── ${label}: ${result.status === 0 ? 'ok' : `failed (exit ${result.status ?? result.signal})`} in ${seconds} s`);
  return result.status === 0;
}

function readSummary(layer) {
  try {
    return JSON.parse(fs.readFileSync(path.join(results, `summary-${layer}.json`), 'utf8'));
  } catch {
    return undefined;
  }
}

fs.mkdirSync(results, { recursive: true });
for (const file of fs.readdirSync(results)) {
  if (file.startsWith('summary-')) fs.rmSync(path.join(results, file));
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const tally = (layer, ok) => {
  const summary = readSummary(layer) ?? { passed: 0, failed: ok ? 0 : 1, skipped: 0 };
  // A layer that failed without reporting a failing test (crash, build error) still counts as one failure.
  if (!ok && summary.failed === 0) summary.failed = 1;
  totals.passed += summary.passed;
  totals.failed += summary.failed;
  totals.skipped += summary.skipped;
  lines.push(`  ${layer.padEnd(12)} ${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}`);
};

// Debian packages first (as root with apt; otherwise a message says what to install): the unit
// layer's output and packaging tests need aplay and patchelf, the later layers the rest.
const needsSystem = layers.some((layer) => layer !== 'static');
if (needsSystem) run('system packages', bin('tsx'), ['test/harness/provision.ts', '--system']);
const needsBuild = layers.some((layer) => layer === 'integration' || layer === 'ui');
let built = true;
if (needsBuild) built = run('build', process.execPath, ['esbuild.js', '--tests']);

for (const layer of layers) {
  let ok;
  switch (layer) {
    case 'static': {
      const typecheck = run('typecheck', bin('tsc'), ['-p', '.', '--noEmit']);
      const lint = run('lint', bin('eslint'), ['.', '--max-warnings', '0']);
      ok = typecheck && lint;
      fs.writeFileSync(path.join(results, 'summary-static.json'), JSON.stringify({ passed: Number(typecheck) + Number(lint), failed: Number(!typecheck) + Number(!lint), skipped: 0 }));
      break;
    }
    case 'unit':
      ok = run('unit tests (plain Node)', bin('mocha'), ['--reporter', path.join(root, 'test/harness/summary-reporter.cjs')], { PLAYHEAD_TEST_LAYER: 'unit' });
      break;
    case 'integration': {
      // Desktop VS Code via @vscode/test-electron where it can be downloaded; code-server offline (default).
      const desktop = process.env.PLAYHEAD_VSCODE === 'desktop';
      const runner = desktop ? 'test/harness/run-integration-desktop.ts' : 'test/harness/run-integration.ts';
      ok = built && run(`integration tests (real VS Code extension host${desktop ? ', desktop' : ''})`, bin('tsx'), [runner]);
      break;
    }
    case 'ui':
      ok =
        built &&
        run('UI tests (workbench in headless Chromium)', bin('mocha'), ['--config', 'test/ui/.mocharc.json', '--reporter', path.join(root, 'test/harness/summary-reporter.cjs')], {
          PLAYHEAD_TEST_LAYER: 'ui',
        });
      break;
  }
  tally(layer, ok);
}

console.log('\n── summary ' + '─'.repeat(51));
for (const line of lines) console.log(line);
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
