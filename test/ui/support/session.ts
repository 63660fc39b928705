/**
 * One real VS Code (server + workbench in headless Chromium) per UI test file, with the
 * extension loaded in development mode from this repo (built dist/), and helpers that act
 * as a person would: the command palette, the status bar, the webview.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { PulseCapture, startPulseCapture } from '../../harness/pulse';
import { playerLogTails } from '../../harness/failure-report';
import { captureSeconds } from '../../harness/capture-analysis';
import { resultsDir } from '../../harness/paths';
import { packageVsix } from '../../harness/vsix';
import { provision } from '../../harness/provision';
import { RunningServer, startServer } from '../../harness/server';
import { openWorkbench, Workbench } from '../../harness/workbench';

export interface SessionOptions {
  /** Folder opened as the workspace; a fresh empty one when omitted. */
  readonly folder?: string;
  readonly settings?: Record<string, unknown>;
  /**
   * Load Playhead as users get it: its packaged files copied into the extensions folder
   * (bundles and dist/native, no node_modules), instead of in development mode from the repo.
   */
  readonly installed?: boolean;
}

let vsix: string | undefined;
/** One VSIX per test run, made on first use. */
function packagedVsix(): string {
  vsix ??= packageVsix();
  return vsix;
}

export class UiSession {
  private constructor(
    readonly server: RunningServer,
    readonly workbench: Workbench,
    readonly folder: string,
    readonly audio: PulseCapture,
    private readonly scratch: string,
  ) {}

  get page(): Page {
    return this.workbench.page;
  }

  static async start(options: SessionOptions = {}): Promise<UiSession> {
    provision();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-ui-'));
    const folder = options.folder ?? path.join(scratch, 'workspace');
    fs.mkdirSync(folder, { recursive: true });
    const audio = await startPulseCapture(path.join(scratch, 'audio'));
    fs.mkdirSync(resultsDir, { recursive: true });
    const server = await startServer({
      settings: options.settings,
      env: audio.env,
      ...(options.installed && { installVsix: packagedVsix() }),
      logFile: path.join(resultsDir, `ui-server-${path.basename(scratch)}.log`),
    });
    try {
      const workbench = await openWorkbench({ baseUrl: server.baseUrl, folder, ...(options.installed && { extensionPath: null }) });
      const session = new UiSession(server, workbench, folder, audio, scratch);
      await session.waitForWorkbench();
      return session;
    } catch (error) {
      await server.stop();
      await audio.stop();
      throw error;
    }
  }

  private async waitForWorkbench(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The status bar is among the last parts laid out; commands work once it is there.
    await this.page.locator('.statusbar').waitFor({ timeout: 60_000 });
  }

  /**
   * F1 and type `text`; returns the palette's matching rows once there is one. The palette
   * computes its list when it opens, and a development extension's commands appear a moment
   * after the workbench, so an empty list is closed and the palette opened again.
   */
  async openPalette(text: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input');
    const rows = this.page.locator('.quick-input-list .monaco-list-row', { hasText: text.replace(/^>/, '') });
    const deadline = Date.now() + 60_000;
    while (true) {
      await this.page.keyboard.press('F1');
      if (await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) {
        await input.fill(`>${text}`);
        if (await rows.first().waitFor({ timeout: 3_000 }).then(() => true, () => false)) {
          return rows;
        }
        await input.press('Escape');
      }
      if (Date.now() > deadline) {
        throw new Error(`the command palette never listed "${text}"`);
      }
      await this.page.waitForTimeout(500);
    }
  }

  /** F1, type the command's title, Enter: exactly what a person does. */
  async runCommand(title: string): Promise<void> {
    const rows = await this.openPalette(title);
    await rows.first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /**
   * Right-click `target` and return the context menu entry `label`. Like the palette, a menu
   * is computed when it opens, so it is closed and opened again until the entry is there.
   */
  async contextMenuItem(target: Locator, label: string): Promise<Locator> {
    // The menu renders in a shadow root; CSS locators pierce it.
    const item = this.page.locator('.monaco-menu .action-item .action-label', { hasText: label }).first();
    const deadline = Date.now() + 60_000;
    while (true) {
      await target.click({ button: 'right' });
      if (await item.waitFor({ timeout: 3_000 }).then(() => true, () => false)) return item;
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the context menu never offered "${label}"`);
      await this.page.waitForTimeout(500);
    }
  }

  /**
   * Answers VS Code's own folder picker (the "simple file dialog" of web and remote windows):
   * waits until the dialog has filled in its starting folder (typing earlier gets overwritten),
   * types `folder`, and accepts with the dialog's OK button (`okLabel`).
   */
  async pickFolder(folder: string, okLabel: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input');
    const wanted = folder.endsWith('/') ? folder : `${folder}/`;
    await this.page.waitForFunction(
      (selector) => (document.querySelector(selector) as HTMLInputElement | null)?.value.endsWith('/') ?? false,
      '.quick-input-widget input',
      { timeout: 15_000 },
    );
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await input.fill(wanted);
      await this.page.waitForTimeout(300);
      if ((await input.inputValue()) !== wanted) continue;
      await widget.getByRole('button', { name: okLabel }).click();
      if (await widget.waitFor({ state: 'hidden', timeout: 5_000 }).then(() => true, () => false)) return;
    }
    throw new Error(`the folder picker did not accept ${wanted}`);
  }

  /** Right-click `target` and choose `label`, making sure the menu took the choice. */
  async chooseFromContextMenu(target: Locator, label: string): Promise<void> {
    const item = await this.contextMenuItem(target, label);
    const menu = this.page.locator('.monaco-menu').first();
    await item.hover();
    await item.click();
    // A click that lands while the menu is still settling is ignored; Enter takes the hovered entry.
    if (!(await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false))) {
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
    }
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  /** The content frame of the (first ready) webview: two nested iframes in the workbench. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  async screenshot(name: string): Promise<string> {
    const dir = path.join(resultsDir, 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Playhead's log and PulseAudio's, their last lines, with how much audio was captured. */
  failureReport(): string {
    return `    captured ${captureSeconds(this.audio.captureFile).toFixed(2)} s of audio\n${playerLogTails(this.server.dataDir, this.audio.logFile)}`;
  }

  async stop(): Promise<void> {
    await this.workbench.close().catch(() => undefined);
    await this.server.stop();
    await this.audio.stop();
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}

/**
 * Registers before/after hooks for a UI test file: one session for the file, and a
 * screenshot of the workbench whenever a test fails.
 */
export function useSession(options: SessionOptions | (() => SessionOptions) = {}): () => UiSession {
  let session: UiSession | undefined;
  before(async function () {
    this.timeout(180_000);
    session = await UiSession.start(typeof options === 'function' ? options() : options);
  });
  afterEach(async function () {
    if (session && this.currentTest?.state === 'failed') {
      const file = await session.screenshot(`FAILED ${this.currentTest.fullTitle()}`);
      process.stderr.write(`    screenshot: ${path.relative(process.cwd(), file)}\n${session.failureReport()}`);
    }
  });
  after(async () => {
    await session?.stop();
  });
  return () => {
    if (!session) throw new Error('the UI session did not start');
    return session;
  };
}
