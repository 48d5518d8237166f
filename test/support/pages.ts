import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { TEST_PASSWORD } from './test-app.js';

/** Where the browser tests leave a screenshot of every main page (git-ignored; look at them). */
export const SCREENSHOT_DIR = join(process.cwd(), 'var', 'screenshots');

export const OFFICE_SCREEN = { width: 1366, height: 768 };
export const PHONE_SCREEN = { width: 390, height: 844 };

/**
 * The accessibility violations of the page as it is now that axe-core rates serious or critical, as readable
 * lines ("color-contrast: … (3 elements: #a, #b, …)"); a test expects an empty list.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // axe run in the page itself (legacy mode: the pages have no frames, so nothing goes untested; the default mode opens
  // a blank page per run to combine frames' results) and asked for violations only: several times faster per check
  const result = await new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length} elements: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Screenshots of the page at the office screen and the phone screen (full page), as var/screenshots/<name>-1366.png
 * and <name>-390.png; the viewport is put back afterwards.
 */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  for (const size of [OFFICE_SCREEN, PHONE_SCREEN]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${size.width}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
}

/** Both: no serious or critical violation (the list is returned for expect(...).toEqual([])), and the screenshots. */
export async function checkPage(page: Page, name: string): Promise<string[]> {
  const violations = await seriousA11yViolations(page);
  await screenshotBoth(page, name);
  return violations;
}

/** How wide the page's content is (more than the screen: the page scrolls sideways). */
export const scrollWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

/**
 * axe at the office screen and at the phone screen, the screenshots of both (var/screenshots/<name>-1366.png and
 * -390.png, as checkPage names them), nothing wider than the phone; the page laid out once at each width, and left at
 * the office screen, where it is expected to be.
 */
export async function checkBothScreens(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${OFFICE_SCREEN.width}.png`), fullPage: true });
  await page.setViewportSize(PHONE_SCREEN);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${PHONE_SCREEN.width}.png`), fullPage: true });
  expect(await seriousA11yViolations(page)).toEqual([]);
  expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_SCREEN.width);
  await page.setViewportSize(OFFICE_SCREEN);
}

/** Signs in through the staff sign-in form (/dang-nhap) of the app at `base`, and waits for the page it leads to. */
export async function signIn(page: Page, base: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${base}/dang-nhap`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForLoadState();
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * Chromium with one context (by default the office screen, in Vietnamese) and a page in it, signed in as `signIn`
 * when given. Close it with closeAll(context, browser); if it cannot be opened, what it opened is closed.
 */
export async function browserSession(opts: {
  context?: BrowserContextOptions;
  signIn?: { base: string; username: string; password?: string };
} = {}): Promise<BrowserSession> {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext(opts.context ?? { viewport: OFFICE_SCREEN, locale: 'vi-VN' });
    const page = await context.newPage();
    if (opts.signIn) await signIn(page, opts.signIn.base, opts.signIn.username, opts.signIn.password);
    return { browser, context, page };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
