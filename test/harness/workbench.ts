/**
 * Opens the VS Code workbench in headless Chromium (playwright-core + the system Chromium;
 * no browser download), optionally with the extension-development and test payload.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium';
import { repoRoot } from './paths';

export interface WorkbenchOptions {
  readonly baseUrl: string;
  readonly folder: string;
  /** Absolute path of the extension to load in development mode (this repo by default); null for none. */
  readonly extensionPath?: string | null;
  /** Absolute path (without .js) of a test module exporting `run()`. */
  readonly testsPath?: string;
  readonly onLog?: (type: string, args: unknown[]) => void;
  readonly onExit?: (code: number) => void;
  readonly viewport?: { width: number; height: number };
}

export interface Workbench {
  readonly page: Page;
  close(): Promise<void>;
}

export function workbenchUrl(options: WorkbenchOptions): string {
  const { port } = new URL(options.baseUrl);
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload: [string, string][] = [];
  if (options.extensionPath !== null) payload.push(['extensionDevelopmentPath', remote(options.extensionPath ?? repoRoot)]);
  if (options.testsPath) {
    payload.push(['extensionTestsPath', remote(options.testsPath)]);
  }
  const query = new URLSearchParams({ folder: options.folder, ...(payload.length > 0 && { payload: JSON.stringify(payload) }) });
  return `${options.baseUrl}/?${query.toString()}`;
}

export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      viewport: options.viewport ?? { width: 1400, height: 900 },
      args: [...chromiumArgs, '--autoplay-policy=no-user-gesture-required'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    // The workbench reports test output and the exit code through these (smoke-test driver).
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => options.onLog?.(type, args));
    await page.exposeFunction('codeAutomationExit', (code: number) => options.onExit?.(code));
    await page.goto(workbenchUrl(options));
    const ctx = context;
    return {
      page,
      async close() {
        await ctx.close();
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
