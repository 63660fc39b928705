#!/usr/bin/env node
/**
 * `npm run bench`: runs every bench/*.bench.ts in turn and prints one table of figures.
 * Each bench prints `BENCH {json}` lines on stdout (group, name, value, unit, and optionally
 * target, ratio, ok, note) and its progress on stderr. `npm run bench -- decode` runs one.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const only = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

if (files.length === 0) {
  console.error(only.length ? `no bench matches ${only.join(', ')}` : 'no benchmarks found');
  process.exit(2);
}

const rows = [];
let failedRuns = 0;
for (const file of files) {
  console.error(`\n▶ ${file}`);
  const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join('bench', file)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('BENCH ')) continue;
    try {
      rows.push(JSON.parse(line.slice(6)));
    } catch {
      console.error(`  unreadable figure: ${line}`);
    }
  }
  if (result.status !== 0) {
    failedRuns++;
    console.error(`  ${file} exited with ${result.status ?? result.signal}`);
  }
}

const fmt = (value) => (typeof value !== 'number' ? String(value ?? '') : Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
const table = [['group', 'figure', 'value', 'unit', 'ratio', 'target', 'ok'], ...rows.map((r) => [r.group, r.name, fmt(r.value), r.unit, r.ratio === undefined ? '' : `${fmt(r.ratio)}×`, r.target ?? '', r.ok === undefined ? '' : r.ok ? 'yes' : 'NO'])];
const widths = table[0].map((_, col) => Math.max(...table.map((row) => String(row[col]).length)));
console.log('');
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, col) => (col === 2 || col === 4 ? String(cell).padStart(widths[col]) : String(cell).padEnd(widths[col]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
}
const missed = rows.filter((r) => r.ok === false).length;
console.log(`\n${rows.length} figures from ${files.length} benchmarks; ${missed} below target${failedRuns ? `; ${failedRuns} benchmark run(s) failed` : ''}`);
process.exit(failedRuns > 0 ? 1 : 0);
