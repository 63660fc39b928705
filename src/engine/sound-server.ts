/**
 * naudiodon opens PortAudio at the device's *low* latency and offers no option to change it.
 * Through ALSA into PulseAudio or PipeWire (most Linux desktops) that buffer is too small to
 * survive a busy machine: measured here, a tone played through Pulse underran several times
 * a second under load, and not once with 120 ms. The sound servers' own variables set it, so
 * the engine process gets them by default (VS Code and the CLI alike); values the user already
 * has win. The naudiodon sink measures the resulting buffer at stream start (it counts as
 * ahead of the playhead), so the position stays what is heard.
 */
export const SOUND_SERVER_LATENCY: Readonly<Record<string, string>> = {
  PULSE_LATENCY_MSEC: '120',
  PIPEWIRE_LATENCY: '5292/44100',
};
