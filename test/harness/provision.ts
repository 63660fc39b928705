/**
 * Installs what the tests and `npm start` need, on first use, so a fresh clone needs nothing
 * done by hand: Debian packages (Chromium, ripgrep, PulseAudio, aplay, patchelf, Kerberos
 * headers for a code-server addon) when running as root with apt, and code-server into
 * `.vscode-test/`. Where it cannot install, it stops with a message that says what to install.
 *
 * `tsx test/harness/provision.ts --system` installs only the Debian packages: `npm test` runs
 * it before the unit layer, whose output and packaging tests need aplay and patchelf.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumPath } from './chromium';
import { CODE_SERVER_VERSION, codeServerDir, serverMain } from './paths';

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
}

function log(message: string): void {
  process.stderr.write(`[provision] ${message}\n`);
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function hasDebPackage(name: string): boolean {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
}

/** Debian packages the harness needs, with how to tell they are present. */
const systemNeeds: { pkg: string; present: () => boolean; why: string }[] = [
  { pkg: 'chromium', present: () => fs.existsSync(chromiumPath()), why: 'headless browser for the workbench' },
  { pkg: 'ripgrep', present: () => hasCommand('rg'), why: "code-server's search (its installer would download rg)" },
  { pkg: 'pulseaudio', present: () => hasCommand('pulseaudio'), why: 'a clocked null sink to play into (no sound card here)' },
  { pkg: 'pulseaudio-utils', present: () => hasCommand('parec'), why: 'parec records what was played' },
  { pkg: 'libasound2-plugins', present: () => fs.existsSync('/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so'), why: "routes ALSA's default device to PulseAudio" },
  { pkg: 'alsa-utils', present: () => hasCommand('aplay'), why: 'aplay, the command-line player the engine falls back to' },
  { pkg: 'patchelf', present: () => hasCommand('patchelf'), why: 'makes the packaged naudiodon binding relocatable' },
  { pkg: 'libkrb5-dev', present: () => hasDebPackage('libkrb5-dev'), why: "builds code-server's kerberos addon" },
];

export function ensureSystemPackages(): void {
  const missing = systemNeeds.filter((need) => !need.present());
  if (missing.length === 0) {
    return;
  }
  const names = missing.map((m) => m.pkg);
  const canApt = process.getuid?.() === 0 && hasCommand('apt-get');
  if (!canApt) {
    throw new ProvisionError(
      `Missing system packages: ${missing.map((m) => `${m.pkg} (${m.why})`).join(', ')}.\n` +
        `Install them (on Debian/Ubuntu: sudo apt-get install -y ${names.join(' ')}) and run the tests again.`,
    );
  }
  log(`installing ${names.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for another apt (unattended upgrades, a second test run) instead of failing at once.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  execFileSync('apt-get', [...lock, 'update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env });
}

/**
 * @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this tarball in its
 * cache under $TMPDIR; we give it the system's rg instead (platform facts §1).
 */
function seedRipgrepCache(tmpDir: string): void {
  const cache = path.join(tmpDir, 'vscode-ripgrep-cache-1.15.11');
  const tarball = path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (fs.existsSync(tarball)) {
    return;
  }
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  const staging = fs.mkdtempSync(path.join(tmpDir, 'rg-'));
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['-czf', tarball, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
}

function installCodeServer(): void {
  log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(process.cwd(), codeServerDir)} (about a minute, once)`);
  const staging = `${codeServerDir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-provision-'));
  seedRipgrepCache(tmpDir);
  fs.writeFileSync(
    path.join(staging, 'package.json'),
    JSON.stringify({ name: 'playhead-test-vscode', private: true, dependencies: { 'code-server': CODE_SERVER_VERSION } }, null, 2),
  );
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--dangerously-allow-all-scripts'], {
    cwd: staging,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      TMPDIR: tmpDir,
      // node-pty's postinstall runs `npx node-gyp` and refuses root without these.
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
    },
  });
  fs.rmSync(tmpDir, { recursive: true, force: true });
  if (result.status !== 0) {
    throw new ProvisionError(`npm could not install code-server@${CODE_SERVER_VERSION} (exit ${result.status}); see the output above.`);
  }
  // Rename last, so an interrupted install is never mistaken for a complete one.
  fs.rmSync(codeServerDir, { recursive: true, force: true });
  fs.renameSync(staging, codeServerDir);
}

export function provision(): void {
  ensureSystemPackages();
  if (!fs.existsSync(serverMain)) {
    installCodeServer();
  }
  if (!fs.existsSync(serverMain)) {
    throw new ProvisionError(`code-server installed, but ${serverMain} is missing.`);
  }
}

if (require.main === module) {
  try {
    if (process.argv.includes('--system')) ensureSystemPackages();
    else provision();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
