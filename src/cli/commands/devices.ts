import type { OutputDevice } from '../../engine/api';
import { CliCommand, ExitCode, parseArgs, UsageError } from '../command';
import { createCliEngine } from '../engine-setup';

const usage = `Usage: playhead devices [--json]

List the audio output devices the engine can play to (through PortAudio). Pass a name, or
a unique part of one, to \`playhead play --device NAME\`.

Options:
  --json    print a JSON array: [{ id, name, hostApi, maxOutputChannels, defaultSampleRate, isDefault }]

Exit codes: 0 listed, 4 no audio output library available (the reason is printed).
`;

export const devicesCommand: CliCommand = {
  name: 'devices',
  summary: 'List audio output devices',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, { json: 'boolean' });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    // The sink is not opened to list devices; 'null' keeps the engine from touching one.
    const engine = createCliEngine({ sink: 'null', io });
    let devices: OutputDevice[];
    try {
      devices = await engine.listDevices();
    } catch (error) {
      io.stderr.write(`playhead devices: ${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.noOutput;
    } finally {
      engine.dispose();
    }
    if (parsed.flags.has('json')) {
      io.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
      return ExitCode.ok;
    }
    if (devices.length === 0) {
      io.stderr.write('playhead devices: no output devices found\n');
      return ExitCode.ok;
    }
    for (const device of devices) {
      const details = [device.hostApi, `${device.maxOutputChannels} ch`, `${device.defaultSampleRate} Hz`].filter(Boolean).join(', ');
      io.stdout.write(`${device.isDefault ? '*' : ' '} ${device.name}  (${details})\n`);
    }
    io.stderr.write('* the default device\n');
    return ExitCode.ok;
  },
};
