import * as path from 'node:path';
import { CliCommand, ExitCode, numberFlag, parseArgs, UsageError } from '../command';
import { DecodeError, openDecoder, type Decoder } from '../../decode';
import { ResamplingDecoder } from '../../decode/resample';
import { Wav16Writer } from '../../decode/wav-writer';

const usage = `Usage: playhead decode FILE --out OUT.wav [options]

Decode FILE exactly as the player plays it (gapless-trimmed, seeking sample-exact) and
write 16-bit PCM WAV.

Options:
  --out FILE          where to write the WAV (required)
  --start SECONDS     begin here (the player's seek: frame = round(SECONDS × rate))
  --duration SECONDS  stop after this much (default: to the end)
  --rate HZ           resample to this rate, as the engine does for a device that
                      cannot run at the file's rate
Exit codes: 0 ok, 3 the file cannot be read or decoded (the reason and position are printed).
`;

export const decodeCommand: CliCommand = {
  name: 'decode',
  summary: 'Decode an audio file to 16-bit WAV exactly as the player would play it',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, { out: 'value', start: 'value', duration: 'value', rate: 'value' });
    if (parsed.positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const out = parsed.flags.get('out');
    if (typeof out !== 'string') throw new UsageError('--out OUT.wav is required');
    const start = numberFlag(parsed, 'start', 0)!;
    const duration = numberFlag(parsed, 'duration');
    const rate = numberFlag(parsed, 'rate');
    if (start < 0) throw new UsageError('--start must be ≥ 0');
    if (duration !== undefined && duration < 0) throw new UsageError('--duration must be ≥ 0');
    if (rate !== undefined && !(Number.isInteger(rate) && rate >= 8000 && rate <= 384000)) throw new UsageError('--rate needs a whole number of Hz, 8000-384000');

    const file = path.resolve(parsed.positionals[0]!);
    let decoder: Decoder | undefined;
    let writer: Wav16Writer | undefined;
    let stopped = false;
    void io.interrupted.then(() => (stopped = true));
    try {
      decoder = await openDecoder(file);
      if (rate !== undefined && rate !== decoder.format.sampleRate) decoder = new ResamplingDecoder(decoder, rate);
      const { sampleRate, channels, totalFrames } = decoder.format;
      const first = Math.round(start * sampleRate);
      if (totalFrames !== undefined && first > totalFrames) throw new UsageError(`--start is past the end (${(totalFrames / sampleRate).toFixed(3)} s)`);
      const end = duration === undefined ? Infinity : first + Math.round(duration * sampleRate);
      if (first > 0) await decoder.seek(first);
      writer = await Wav16Writer.create(path.resolve(out), sampleRate, channels);
      for (let chunk = await decoder.read(); chunk && !stopped; chunk = await decoder.read()) {
        const take = Math.min(chunk.channels[0]!.length, end - chunk.frame);
        if (take <= 0) break;
        await writer.write(take < chunk.channels[0]!.length ? chunk.channels.map((c) => c.subarray(0, take)) : chunk.channels);
        if (chunk.frame + take >= end) break;
      }
      io.stderr.write(`wrote ${writer.framesWritten} frames (${(writer.framesWritten / sampleRate).toFixed(3)} s, ${sampleRate} Hz, ${channels} ch) to ${out}${stopped ? ' (interrupted)' : ''}\n`);
      return stopped ? ExitCode.failure : ExitCode.ok;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      const where = error.at ? ` [${[error.at.byte !== undefined ? `byte ${error.at.byte}` : '', error.at.frame !== undefined ? `frame ${error.at.frame}` : ''].filter(Boolean).join(', ')}]` : '';
      io.stderr.write(`playhead decode: ${error.message}${where}\n`);
      return ExitCode.badInput;
    } finally {
      await writer?.close();
      decoder?.dispose();
    }
  },
};
