/** Headless system Chromium for the preview screenshots and the UI benchmark. */
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../harness/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...chromiumArgs] });
}
