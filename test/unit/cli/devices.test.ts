import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCliBundle, CliBundle } from './cli-bundle';

/**
 * `playhead devices` on whatever machine runs the tests: with PortAudio it lists the devices
 * (possibly none on a headless machine); without it, it says why and exits 4. Either way the
 * output is well-formed and the process ends.
 */
describe('cli: playhead devices', function () {
  this.timeout(60_000);
  let cli: CliBundle;
  let home: string;

  before(() => {
    cli = buildCliBundle();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'playhead-devices-'));
  });
  after(() => {
    cli.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('--json prints an array of devices, or exits 4 with the reason', async () => {
    const run = await cli.run(['devices', '--json'], { home, timeoutMs: 30_000 });
    if (run.code === 4) {
      assert.match(run.stderr, /^playhead devices: \S/m);
      assert.equal(run.stdout, '');
      return;
    }
    assert.equal(run.code, 0, run.stderr);
    const devices = JSON.parse(run.stdout) as unknown[];
    assert.ok(Array.isArray(devices));
    for (const device of devices as Record<string, unknown>[]) {
      assert.equal(typeof device.name, 'string');
      assert.equal(typeof device.isDefault, 'boolean');
    }
  });
});
