import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlayheadExtension } from '../../../src/vscode/playhead-extension';

export const EXTENSION_ID = 'playhead.playhead';

export async function activateExtension(): Promise<PlayheadExtension> {
  const extension = vscode.extensions.getExtension<PlayheadExtension>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** The repository, for fixtures (set by the harness; the tests run from out/test/suite). */
export function repoPath(...parts: string[]): string {
  const repo = process.env.PLAYHEAD_REPO ?? path.resolve(__dirname, '../../..');
  return path.join(repo, ...parts);
}

/** A fresh folder in the test workspace holding copies of the named fixtures. */
export function fixtureFolder(name: string, fixtures: readonly string[]): string {
  const workspace = process.env.PLAYHEAD_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const folder = path.join(workspace, name);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  for (const fixture of fixtures) {
    fs.copyFileSync(repoPath('test/fixtures/media', fixture), path.join(folder, fixture));
  }
  return folder;
}

type Probe<T> = () => T | undefined | false | Promise<T | undefined | false>;

export async function waitFor<T>(what: string, probe: Probe<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

interface ManifestTrack {
  readonly file: string;
  readonly frequency?: number;
  readonly duration?: number;
}

/** The fixture manifest's tone frequency for a file (each fixture is a distinct tone). */
export function fixtureFrequency(file: string): number {
  const manifest = JSON.parse(fs.readFileSync(repoPath('test/fixtures/media/manifest.json'), 'utf8')) as { tracks: ManifestTrack[] };
  const entry = manifest.tracks.find((t) => t.file === file);
  if (entry?.frequency === undefined) throw new Error(`no frequency for ${file} in the fixture manifest`);
  return entry.frequency;
}
