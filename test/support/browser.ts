import { chromium, type Browser } from 'playwright-core';

/** Flags for Debian's Chromium on a machine whose network is closed (no background connections, no sandbox as root). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Debian's Chromium (scripts/ensure-test-deps.mjs installs it before `npm test`), never a browser a tool downloads. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Closes each in turn (a context before its browser, the app last), skipping what was never opened. */
export async function closeAll(...things: Array<{ close(): Promise<unknown> } | undefined>): Promise<void> {
  for (const thing of things) await thing?.close();
}
