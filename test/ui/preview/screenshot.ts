/**
 * Renders the player view in the preview page and saves PNGs for a look by eye:
 *   npx tsx test/ui/preview/screenshot.ts [outDir]   (default test-results/ui-preview, gitignored)
 * Needs a fresh `node esbuild.js`. Also fails on console errors or messages logged as malformed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from './browser';
import { startPreviewServer } from './server';

const SHOTS: { name: string; query: string; width: number; height: number; act?: 'filter' | 'focus-queue' | 'tab' }[] = [
  { name: 'dark-playing', query: 'theme=dark&scenario=cover', width: 900, height: 640 },
  { name: 'light-playing', query: 'theme=light&scenario=cover', width: 900, height: 640 },
  { name: 'hc-playing', query: 'theme=hc&scenario=cover', width: 900, height: 640, act: 'focus-queue' },
  { name: 'dark-paused-no-cover', query: 'theme=dark&scenario=paused', width: 900, height: 640, act: 'focus-queue' },
  { name: 'light-error', query: 'theme=light&scenario=error&tracks=40', width: 720, height: 560 },
  { name: 'dark-empty', query: 'theme=dark&scenario=empty', width: 720, height: 520 },
  { name: 'light-filter', query: 'theme=light&scenario=paused', width: 720, height: 560, act: 'filter' },
  { name: 'dark-narrow', query: 'theme=dark&scenario=cover', width: 360, height: 640 },
  { name: 'hc-light-focus', query: 'theme=hc-light&scenario=paused', width: 720, height: 420, act: 'tab' },
  { name: 'dark-focus', query: 'theme=dark&scenario=cover', width: 720, height: 420, act: 'tab' },
];

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? path.join(__dirname, '../../../test-results/ui-preview'));
  fs.mkdirSync(outDir, { recursive: true });
  const server = await startPreviewServer();
  const browser = await launchChromium();
  const problems: string[] = [];
  try {
    for (const shot of SHOTS) {
      const page = await browser.newPage({ viewport: { width: shot.width, height: shot.height } });
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${shot.name}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${shot.name}: ${error.message}`));
      await page.goto(`${server.url}/?${shot.query}`);
      await page.waitForSelector('.now-playing');
      await page.waitForTimeout(300);
      if (shot.act === 'filter') {
        await page.fill('.filter-input', 'sigur ros');
      } else if (shot.act === 'tab') {
        // Keyboard focus: seek slider, shuffle, repeat, previous, play/pause.
        for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
        await page.mouse.move(0, 0);
      } else if (shot.act === 'focus-queue') {
        await page.focus('.queue-list');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
      }
      await page.waitForTimeout(150);
      const file = path.join(outDir, `${shot.name}.png`);
      await page.screenshot({ path: file });
      const logs = (await page.evaluate('window.__posted.filter((m) => m.type === "log")')) as { message: string }[];
      for (const log of logs) problems.push(`${shot.name}: webview logged: ${log.message}`);
      process.stderr.write(`saved ${file}\n`);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (problems.length) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  }
}

void main();
