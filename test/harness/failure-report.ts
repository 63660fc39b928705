/**
 * What a failed end-to-end test prints besides its assertion. CI shows only the console, and
 * a test that failed because audio stalled or the engine restarted says nothing about that in
 * its assertion: Playhead's own log (the output channel, engine messages included) and the
 * sound server's log do.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The last `lines` lines of a text file, or undefined when it does not exist. */
function tailOf(file: string, lines: number): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  const all = fs.readFileSync(file, 'utf8').split('\n');
  while (all.length > 0 && all[all.length - 1] === '') all.pop();
  return all.slice(-lines).join('\n');
}

/** Every `Playhead.log` (one per extension host session) under a VS Code data folder. */
function playheadLogs(dataDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'Playhead.log') found.push(full);
    }
  };
  if (fs.existsSync(dataDir)) walk(dataDir);
  return found.sort();
}

/** The tails of the given logs, each under a header naming it, indented for a mocha report. */
function formatLogTails(logs: readonly { title: string; file: string }[], lines = 40): string {
  const parts: string[] = [];
  for (const { title, file } of logs) {
    const tail = tailOf(file, lines);
    if (tail === undefined) continue;
    parts.push(`    ── ${title} (last ${lines} lines of ${file})\n${tail.replace(/^/gm, '      ')}\n`);
  }
  return parts.join('');
}

/** Playhead's logs under a VS Code data folder and PulseAudio's log, their tails formatted. */
export function playerLogTails(dataDir: string, pulseLog: string, lines = 40): string {
  const logs = [...playheadLogs(dataDir).map((file) => ({ title: 'Playhead log', file })), { title: 'PulseAudio log', file: pulseLog }];
  return formatLogTails(logs, lines);
}
