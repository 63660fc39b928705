import * as path from 'node:path';

/** Where the harness keeps what it downloads and what tests leave behind. */
export const repoRoot = path.resolve(__dirname, '../..');
export const cacheDir = path.join(repoRoot, '.vscode-test');
export const resultsDir = path.join(repoRoot, 'test-results');

/**
 * code-server 4.100.3 is VS Code 1.100.3, the oldest release our `engines.vscode` accepts and
 * the newest whose server still runs on Node 20 (platform facts §1).
 */
export const CODE_SERVER_VERSION = '4.100.3';
export const codeServerDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const vscodeDir = path.join(codeServerDir, 'node_modules/code-server/lib/vscode');
export const serverMain = path.join(vscodeDir, 'out/server-main.js');
