/**
 * Interaction checks of the player webview in headless Chromium, on the preview page:
 * what each control sends to the host, keyboard use, drag to seek and to reorder, the
 * virtualized queue, the filter, and that malformed host messages are dropped and logged.
 *   node esbuild.js && npx tsx test/ui/preview/check.ts
 * Exits non-zero on the first failed check.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { launchChromium } from './browser';
import { startPreviewServer } from './server';

type Posted = { type: string; command?: string; [key: string]: unknown };

async function posted(page: Page): Promise<Posted[]> {
  return (await page.evaluate('window.__posted')) as Posted[];
}

/** Commands posted since `mark` (a count of earlier messages). */
async function commandsSince(page: Page, mark: number): Promise<Posted[]> {
  return (await posted(page)).slice(mark).filter((m) => m.type === 'command');
}

async function mark(page: Page): Promise<number> {
  return (await posted(page)).length;
}

const checks: [string, (page: Page, url: string) => Promise<void>][] = [
  [
    'says ready first and renders the state',
    async (page) => {
      assert.equal((await posted(page))[0]?.type, 'ready');
      assert.equal(await page.textContent('.now-playing .title'), 'Saman');
      assert.equal(await page.getAttribute('.transport .primary', 'aria-label'), 'Pause');
    },
  ],
  [
    'the playhead moves between host updates (interpolation)',
    async (page) => {
      // The static scenario streams no positions: all movement is the view's own.
      const read = () =>
        page.$eval('.seek-fill', (el) => ({
          scale: Number(/scaleX\(([\d.]+)\)/.exec((el as HTMLElement).style.transform)?.[1] ?? 0),
          elapsed: document.querySelector('.time.elapsed')?.textContent ?? '',
        }));
      const before = await read();
      await page.waitForTimeout(1200);
      const after = await read();
      assert.ok(after.scale > before.scale, `fill grew: ${before.scale} → ${after.scale}`);
      assert.notEqual(after.elapsed, before.elapsed);
    },
  ],
  [
    'play/pause sends toggle and follows the state',
    async (page) => {
      const m = await mark(page);
      await page.click('.transport .primary');
      await page.waitForFunction(() => document.querySelector('.transport .primary')?.getAttribute('aria-label') === 'Play');
      assert.deepEqual((await commandsSince(page, m)).map((c) => c.command), ['toggle']);
    },
  ],
  [
    'repeat and shuffle are toggles with aria-pressed',
    async (page) => {
      const repeat = page.locator('.transport .repeat');
      assert.equal(await repeat.getAttribute('aria-pressed'), 'true'); // sample: repeat all
      await repeat.click();
      await page.waitForFunction(() => document.querySelector('.transport .repeat')?.getAttribute('data-mode') === 'one');
      assert.equal(await page.isVisible('.transport .repeat .badge'), true);
      await repeat.click();
      await page.waitForFunction(() => document.querySelector('.transport .repeat')?.getAttribute('aria-pressed') === 'false');
    },
  ],
  [
    'dragging the seek bar moves the thumb and seeks once, on release',
    async (page) => {
      const m = await mark(page);
      const box = (await page.locator('.seek-slider').boundingBox())!;
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * 0.25, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.5, y, { steps: 4 });
      await page.mouse.move(box.x + box.width * 0.75, y, { steps: 4 });
      const thumb = (await page.locator('.seek-thumb').boundingBox())!;
      const left = ((thumb.x + thumb.width / 2 - box.x) / box.width) * 100;
      assert.ok(Math.abs(left - 75) < 1.5, `thumb at ${left}% while dragging`);
      assert.equal((await commandsSince(page, m)).length, 0, 'no seek before release');
      await page.mouse.up();
      const seeks = await commandsSince(page, m);
      assert.equal(seeks.length, 1);
      const duration = (await page.evaluate('window.__preview.state().durationMs')) as number;
      assert.equal(seeks[0]!.command, 'seek');
      assert.ok(Math.abs((seeks[0]!.positionMs as number) - duration * 0.75) < duration * 0.02);
    },
  ],
  [
    'the seek bar is a keyboard slider',
    async (page) => {
      await page.focus('.seek-slider');
      const before = Number(await page.getAttribute('.seek-slider', 'aria-valuenow'));
      const m = await mark(page);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Home');
      const sent = await commandsSince(page, m);
      assert.deepEqual(sent.map((c) => c.command), ['seek', 'seek']);
      assert.ok(Math.abs((sent[0]!.positionMs as number) - (before * 1000 + 5000)) < 1500);
      assert.equal(sent[1]!.positionMs, 0);
      assert.match((await page.getAttribute('.seek-slider', 'aria-valuetext')) ?? '', / of /);
    },
  ],
  [
    'queue: only a window of 10,000 rows is in the DOM, even at the end',
    async (page) => {
      assert.equal(await page.textContent('.queue-count'), '10,000 tracks');
      assert.ok((await page.locator('.queue-rows .row').count()) < 60);
      await page.$eval('.queue-list', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForFunction(() => [...document.querySelectorAll('.queue-rows .row .number')].some((n) => n.textContent === '10000'));
      assert.ok((await page.locator('.queue-rows .row').count()) < 60);
      await page.$eval('.queue-list', (el) => (el.scrollTop = 0));
      await page.waitForFunction(() => document.querySelector('.queue-rows .row .number')?.textContent === '1');
    },
  ],
  [
    'queue keyboard: Enter plays, Delete removes, Alt+Down moves',
    async (page) => {
      await page.click('#queue-row-4 .title');
      const m = await mark(page);
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Alt+ArrowDown');
      await page.keyboard.press('Delete');
      const sent = await commandsSince(page, m);
      assert.deepEqual(
        sent.map(({ command, index, from, to }) => ({ command, index, from, to })),
        [
          { command: 'playIndex', index: 4, from: undefined, to: undefined },
          { command: 'move', index: undefined, from: 5, to: 6 },
          { command: 'removeIndex', index: 6, from: undefined, to: undefined },
        ],
      );
      assert.equal(await page.getAttribute('.queue-list', 'aria-activedescendant'), 'queue-row-6');
    },
  ],
  [
    'queue mouse: double-click plays, drag reorders',
    async (page) => {
      let m = await mark(page);
      await page.dblclick('#queue-row-1 .title');
      assert.deepEqual((await commandsSince(page, m)).map((c) => [c.command, c.index]), [['playIndex', 1]]);
      m = await mark(page);
      const from = (await page.locator('#queue-row-0').boundingBox())!;
      const target = (await page.locator('#queue-row-3').boundingBox())!;
      await page.mouse.move(from.x + 100, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + 100, target.y + target.height * 0.9, { steps: 8 });
      assert.equal(await page.isVisible('.drop-indicator'), true);
      await page.mouse.up();
      assert.deepEqual((await commandsSince(page, m)).map((c) => [c.command, c.from, c.to]), [['move', 0, 3]]);
    },
  ],
  [
    'Show the current track scrolls it into view and focuses it',
    async (page) => {
      await page.$eval('.queue-list', (el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(50);
      await page.click('.reveal-current');
      const current = await page.waitForSelector('.queue-rows .row.current');
      assert.equal(await current.getAttribute('aria-selected'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.className), 'queue-list');
    },
  ],
  [
    'filter: accent- and case-insensitive, Escape clears',
    async (page) => {
      const total = await page.textContent('.queue-count');
      await page.fill('.filter-input', 'BEYONCE');
      assert.match((await page.textContent('.queue-count')) ?? '', /^1,2\d\d of [\d,]+ tracks$/);
      const artists = await page.$$eval('.queue-rows .row .artist', (cells) => [...new Set(cells.map((c) => c.textContent))]);
      assert.deepEqual(artists, ['Beyoncé']);
      await page.fill('.filter-input', 'zzz nothing');
      assert.equal(await page.isVisible('.queue-empty'), true);
      assert.equal(await page.isVisible('.queue-empty .button'), false, 'no Play Folder while merely filtered');
      await page.focus('.filter-input');
      await page.keyboard.press('Escape');
      assert.equal(await page.textContent('.queue-count'), total);
    },
  ],
  [
    'a move the host refuses is undone on screen',
    async (page) => {
      await page.click('#queue-row-2 .title');
      const before = await page.$$eval('.queue-rows .row .title', (cells) => cells.slice(0, 5).map((c) => c.textContent));
      await page.evaluate('window.__preview.failNext = "move"');
      await page.keyboard.press('Alt+ArrowDown');
      await page.waitForSelector('.notice:not([hidden])');
      assert.match((await page.textContent('.notice')) ?? '', /refused move/);
      const after = await page.$$eval('.queue-rows .row .title', (cells) => cells.slice(0, 5).map((c) => c.textContent));
      assert.deepEqual(after, before);
    },
  ],
  [
    'malformed host messages are dropped and logged',
    async (page) => {
      const count = await page.textContent('.queue-count');
      const title = await page.textContent('.now-playing .title');
      const m = await mark(page);
      await page.evaluate(() => {
        window.postMessage({ type: 'state', state: { version: 99, state: 'exploding' } }, '*');
        window.postMessage({ type: 'queue', version: 99, items: [{ nope: true }] }, '*');
        window.postMessage('garbage', '*');
      });
      await page.waitForFunction((n) => (window as unknown as { __posted: Posted[] }).__posted.length >= n + 3, m);
      const logs = (await posted(page)).slice(m).filter((p) => p.type === 'log');
      assert.equal(logs.length, 3);
      assert.equal(await page.textContent('.queue-count'), count, 'the bad queue was not used');
      assert.equal(await page.textContent('.now-playing .title'), title, 'the bad state was not used');
    },
  ],
  [
    'a stream: its ICY title leads with the station below it; Buffering… 40 % shows while buffering, then goes',
    async (page) => {
      const station = (await page.evaluate('window.__preview.state().track.title')) as string;
      const show = (patch: object) =>
        page.evaluate((p) => {
          const preview = (window as unknown as { __preview: { deliver(m: unknown): void; state(): { version: number } } }).__preview;
          const state = preview.state();
          preview.deliver({ type: 'state', state: { ...state, ...p, version: state.version + 1 } });
        }, patch);
      await show({ state: 'buffering', streamTitle: 'Artist - On Air', bufferingProgress: 0.4 });
      await page.waitForSelector('.buffering-line:not([hidden])');
      assert.equal(await page.textContent('.now-playing .title'), 'Artist - On Air');
      assert.equal(await page.textContent('.now-playing .artist'), station);
      assert.equal(await page.textContent('.buffering-text'), 'Buffering… 40 %');
      await show({ state: 'playing', streamTitle: 'Artist - On Air', bufferingProgress: undefined });
      await page.waitForSelector('.buffering-line', { state: 'hidden' });
    },
  ],
  [
    'empty queue: Play Folder… sends playFolder and shows the host error',
    async (page, url) => {
      await page.goto(`${url}/?theme=light&scenario=empty`);
      await page.waitForSelector('.queue-empty .button');
      const m = await mark(page);
      await page.click('.queue-empty .button');
      await page.waitForSelector('.notice:not([hidden])');
      assert.deepEqual((await commandsSince(page, m)).map((c) => c.command), ['playFolder']);
      assert.match((await page.textContent('.notice')) ?? '', /No folder picker/);
    },
  ],
];

async function main(): Promise<void> {
  const server = await startPreviewServer();
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let failed = 0;
  try {
    await page.goto(`${server.url}/?theme=dark&scenario=static`);
    await page.waitForSelector('.queue-rows .row');
    for (const [name, check] of checks) {
      try {
        await check(page, server.url);
        process.stderr.write(`  ✔ ${name}\n`);
      } catch (error) {
        failed++;
        process.stderr.write(`  ✘ ${name}\n    ${String(error instanceof Error ? error.message : error).split('\n').join('\n    ')}\n`);
      }
    }
    if (errors.length) {
      failed++;
      process.stderr.write(`  ✘ page errors: ${errors.join('; ')}\n`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  process.stderr.write(failed ? `${failed} failed\n` : `${checks.length} passed\n`);
  process.exitCode = failed ? 1 : 0;
}

void main();
