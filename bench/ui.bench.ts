/**
 * Player UI benchmarks (issue 7):
 *   1. first paint of a 10,000-track queue in Chromium, from posting the queue message to the
 *      first frame with rows painted (target ≤ 100 ms), on the preview page (test/ui/preview)
 *      that loads the real dist/webview bundle;
 *   2. one filter keystroke over the 10,000 tracks, input to painted frame;
 *   3. how often the seek bar repaints while playing (it interpolates between host updates);
 *   4. message volume host → webview per second of playback: the player emits 10 position
 *      events a second; PlayerPanel passes them through PositionThrottle (a pure module, so
 *      it is measured here with a virtual clock; a real PlayerPanel needs VS Code).
 *
 *   npx tsx bench/ui.bench.ts        (builds dist/webview first when it is missing)
 *
 * Contract: progress on stderr, one `BENCH {json}` line per figure on stdout.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostMessage } from '../src/protocol/messages';
import { PositionThrottle } from '../src/vscode/panel/position-throttle';
import { launchChromium } from '../test/ui/preview/browser';
import { sampleQueue } from '../test/ui/preview/sample-data';
import { startPreviewServer } from '../test/ui/preview/server';

const GROUP = 'ui';
const ROOT = path.resolve(__dirname, '..');
const RUNS = 9;
const TRACKS = 10_000;

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
  note?: string;
}

function report(figure: Figure): void {
  process.stdout.write(`BENCH ${JSON.stringify({ group: GROUP, ...figure })}\n`);
}

function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function ensureBundle(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/webview/main.js'))) {
    progress('building dist/webview (node esbuild.js)');
    execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/** Resolves after the next frame has been painted (rAF runs before paint; a task after it runs after). */
const AFTER_NEXT_PAINT = `() => new Promise((resolve) => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
}))`;

async function browserFigures(): Promise<void> {
  ensureBundle();
  const server = await startPreviewServer();
  const browser = await launchChromium();
  const items = sampleQueue(TRACKS);
  const paints: number[] = [];
  const filters: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
      await page.goto(`${server.url}/?theme=dark&scenario=bench`);
      await page.waitForSelector('.now-playing .title');
      await page.evaluate((queue) => ((window as unknown as { __items: unknown }).__items = queue), items);
      await page.evaluate(`(${AFTER_NEXT_PAINT})()`);

      // Posted like VS Code does (window.postMessage: structured clone, async delivery), so
      // the figure includes cloning, validation, rendering and the frame.
      const result = (await page.evaluate(`(async () => {
        const afterPaint = ${AFTER_NEXT_PAINT};
        const started = performance.now();
        window.postMessage({ type: 'queue', version: 1, items: window.__items }, '*');
        await new Promise((resolve) => {
          const check = () => document.querySelector('.queue-rows .row') ? resolve() : requestAnimationFrame(check);
          check();
        });
        await afterPaint();
        const paint = performance.now() - started;
        const rows = document.querySelectorAll('.queue-rows .row').length;

        const input = document.querySelector('.filter-input');
        const filterStarted = performance.now();
        input.value = 'sigur';
        input.dispatchEvent(new Event('input'));
        await afterPaint();
        const filter = performance.now() - filterStarted;
        const shown = document.querySelector('.queue-count').textContent;
        return { paint, rows, filter, shown, logs: window.__posted.filter((m) => m.type === 'log').length };
      })()`)) as { paint: number; rows: number; filter: number; shown: string; logs: number };

      if (result.rows === 0 || result.rows > 80) throw new Error(`expected a virtualized window of rows, got ${result.rows}`);
      if (result.logs > 0) throw new Error('the webview logged a problem (malformed message?)');
      paints.push(result.paint);
      filters.push(result.filter);
      progress(`run ${run + 1}/${RUNS}: first paint ${round1(result.paint)} ms (${result.rows} rows in the DOM), filter ${round1(result.filter)} ms (${result.shown})`);
      await page.close();
    }
    // How often the seek bar repaints while playing with no host updates (interpolation only).
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    await page.goto(`${server.url}/?theme=dark&scenario=static`);
    await page.waitForSelector('.queue-rows .row');
    const seekPaints = (await page.evaluate(`new Promise((resolve) => {
      let count = 0;
      const observer = new MutationObserver(() => count++);
      observer.observe(document.querySelector('.seek-fill'), { attributes: true, attributeFilter: ['style'] });
      setTimeout(() => { observer.disconnect(); resolve(count / 3); }, 3000);
    })`)) as number;
    const width = await page.$eval('.seek-slider', (el) => el.clientWidth);
    progress(`seek bar: ${seekPaints} repaints/s over a ${width}px bar`);
    report({
      name: 'seek bar repaints per second while playing',
      value: round1(seekPaints),
      unit: 'paints/s',
      target: '≤ 60',
      ok: seekPaints <= 60,
      note: `a ${width}px bar, 2:15 track: painted when a pixel or the clock's second changes, not every frame`,
    });
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
  const paint = round1(median(paints));
  report({
    name: 'first paint 10k queue',
    value: paint,
    unit: 'ms',
    target: '≤ 100 ms',
    ok: paint <= 100,
    note: `median of ${RUNS}, headless Chromium, postMessage → frame painted; worst ${round1(Math.max(...paints))} ms`,
  });
  const filter = round1(median(filters));
  report({
    name: 'filter keystroke 10k queue',
    value: filter,
    unit: 'ms',
    target: '≤ 50 ms',
    ok: filter <= 50,
    note: `median of ${RUNS}, first keystroke (builds the search keys), input → frame painted`,
  });
}

/** Virtual clock with timers for PositionThrottle. */
function virtualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return { dispose: () => (timer.live = false) };
    },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        next.live = false;
        next.fn();
      }
      now = end;
      timers = timers.filter((t) => t.live);
    },
  };
}

function messageVolume(): void {
  const seconds = 600;
  const eventsPerSecond = 10;
  const clock = virtualClock();
  const posted: HostMessage[] = [];
  const sentAt: number[] = [];
  const throttle = new PositionThrottle((update) => {
    posted.push({ type: 'position', ...update });
    sentAt.push(clock.now());
  }, {
    now: clock.now,
    setTimer: clock.setTimer,
  });
  const epoch = 1_763_000_000_000; // realistic Date.now() magnitudes for the byte count
  for (let i = 0; i < seconds * eventsPerSecond; i++) {
    const at = clock.now();
    throttle.push({ positionMs: at + 0.37, positionAt: epoch + at, playing: true });
    clock.advance(1000 / eventsPerSecond);
  }
  throttle.dispose();
  // Steady-state rate: messages after the first, over the time between first and last.
  const perSecond = (sentAt.length - 1) / ((sentAt[sentAt.length - 1]! - sentAt[0]!) / 1000);
  const bytes = posted.reduce((sum, message) => sum + JSON.stringify(message).length, 0) / seconds;
  progress(`${seconds} s of playback at ${eventsPerSecond} position events/s → ${posted.length} messages posted`);
  report({
    name: 'host → webview messages per second of playback',
    value: Math.round(perSecond * 100) / 100,
    unit: 'msg/s',
    target: '≤ 4 msg/s',
    ok: perSecond <= 4,
    note: `position events at ${eventsPerSecond}/s through PositionThrottle; plus one state message per track change`,
  });
  report({
    name: 'host → webview bytes per second of playback',
    value: Math.round(bytes),
    unit: 'B/s',
    note: 'JSON size of the position messages',
  });
}

async function main(): Promise<void> {
  progress('ui: message volume (PositionThrottle, virtual clock)');
  messageVolume();
  progress('ui: first paint and filter in headless Chromium');
  await browserFigures();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
