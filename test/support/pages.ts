import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

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
