/**
 * Dev harness: serves the built webview (dist/webview) in a page that imitates a VS Code
 * webview (theme variables, body class, default stylesheet) with a stub acquireVsCodeApi.
 * TEST PAGE ONLY. Used by screenshot.ts and bench/ui.bench.ts; run it by hand with
 *   npx tsx test/ui/preview/server.ts [port]   then open /?theme=dark&scenario=playing
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ViewState } from '../../../src/protocol/messages';
import { sampleQueue, sampleState } from './sample-data';
import { THEMES, themeStyle, type ThemeName } from './themes';

const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist/webview');
const HERE = __dirname;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** A square gradient "album cover" as a data: URI (the real CSP allows data: images). */
const SAMPLE_COVER =
  'data:image/svg+xml,' +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">` +
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f6a04d"/>` +
      `<stop offset="0.55" stop-color="#c2417a"/><stop offset="1" stop-color="#3b2a7a"/></linearGradient></defs>` +
      `<rect width="240" height="240" fill="url(#g)"/><circle cx="168" cy="78" r="34" fill="#ffe7b8" opacity="0.85"/>` +
      `<path d="M0 190 Q60 150 120 180 T240 170 V240 H0Z" fill="#1d1440" opacity="0.55"/></svg>`,
  );

export interface Scenario {
  readonly state: ViewState;
  readonly queue: { version: number; items: ReturnType<typeof sampleQueue> };
  /** Send the queue on `ready` (the benchmark sends it itself, to time it). */
  readonly autoQueue: boolean;
  /** Stream position updates 4×/s like PlayerPanel. */
  readonly ticks: boolean;
}

export function scenario(name: string, tracks: number): Scenario {
  const items = sampleQueue(name === 'empty' ? 0 : tracks);
  const queue = { version: 1, items };
  const base = sampleState(items);
  switch (name) {
    case 'empty':
      return { state: sampleState([]), queue, autoQueue: true, ticks: false };
    case 'paused':
      return { state: { ...base, state: 'paused', shuffle: false, repeat: 'one' }, queue, autoQueue: true, ticks: false };
    case 'error':
      return {
        state: { ...base, state: 'stopped', positionMs: 0, error: 'Cannot play “Hold Up.flac”: the file is damaged (bad FLAC frame header).' },
        queue,
        autoQueue: true,
        ticks: false,
      };
    case 'bench':
      return { state: base, queue: { version: 0, items: [] }, autoQueue: false, ticks: false };
    case 'cover':
    default: {
      const state: ViewState = base.track ? { ...base, track: { ...base.track, coverUri: SAMPLE_COVER } } : base;
      return { state, queue, autoQueue: true, ticks: name !== 'static' };
    }
  }
}

function page(theme: ThemeName, data: Scenario): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en" style="${themeStyle(theme).replace(/"/g, '&quot;')}">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="/vscode-defaults.css">
  <link rel="stylesheet" href="/dist/webview/codicons/codicon.css">
  <link rel="stylesheet" href="/dist/webview/styles.css">
  <title>Playhead preview</title>
</head>
<body class="${THEMES[theme].bodyClass}" data-vscode-theme-kind="${THEMES[theme].kind}">
  <main id="app" aria-label="Playhead player"></main>
  <script>window.__PREVIEW__ = ${json};</script>
  <script src="/stub.js"></script>
  <script src="/dist/webview/main.js"></script>
</body>
</html>`;
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

export function startPreviewServer(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      const theme = (url.searchParams.get('theme') ?? 'dark') as ThemeName;
      if (!(theme in THEMES)) return send(res, 400, 'text/plain', 'unknown theme');
      const tracks = Number(url.searchParams.get('tracks') ?? 10_000);
      return send(res, 200, 'text/html', page(theme, scenario(url.searchParams.get('scenario') ?? 'cover', tracks)));
    }
    if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
    let file: string | undefined;
    if (url.pathname === '/stub.js' || url.pathname === '/vscode-defaults.css') file = path.join(HERE, url.pathname);
    else if (url.pathname.startsWith('/dist/webview/')) file = path.join(DIST, url.pathname.slice('/dist/webview/'.length));
    if (!file || !file.startsWith(HERE) && !file.startsWith(DIST) || !fs.existsSync(file)) return send(res, 404, 'text/plain', 'not found');
    const ext = path.extname(file);
    return send(res, 200, TYPES[ext] ?? 'text/plain', fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

if (require.main === module) {
  void startPreviewServer(Number(process.argv[2] ?? 0)).then(({ url }) => console.log(`preview at ${url}/?theme=dark`));
}
