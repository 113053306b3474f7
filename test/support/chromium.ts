import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the browser tests drive it and never download one. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const INSTALL_HINT = "install Debian's chromium (`sudo apt-get install chromium`); the browser tests drive /usr/bin/chromium and never download a browser";

/** Headless Chromium, or an error that says how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: ${INSTALL_HINT}`);
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  } catch (error) {
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start (${(error as Error).message.split('\n')[0]}): ${INSTALL_HINT}`, { cause: error });
  }
}
