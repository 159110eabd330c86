// Debian's Chromium driven by playwright-core, with the flags the project's browser tests use.
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

/** `extraArgs`: e.g. a host-resolver rule and the one certificate key to trust (the proxy test). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--disable-background-networking',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
