/** The system Chromium (apt `chromium`) as every browser-driving test and bench launches it. */
export function chromiumPath(): string {
  return process.env.PLAYHEAD_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Headless, as root, on a closed network: without the networking flags Chromium keeps dialling
 * Google's hosts and gets refused many times a second.
 */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
