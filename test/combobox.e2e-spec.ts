import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser.js';

/**
 * static/js/combobox.js in real Chromium, on a page holding a form with a grouped <select data-combobox>: typing
 * without diacritics finds the commune, two "Phường 1" are told apart by their district, the keyboard alone chooses,
 * and the form sends the select's value.
 */
const SCRIPT = readFileSync(join(process.cwd(), 'src/views/static/js/combobox.js'), 'utf8');
const PAGE = `<!doctype html><html lang="vi"><body><form id="f">
<label for="areaCode">Xã, phường</label>
<select id="areaCode" name="areaCode" data-combobox required>
<option value="">— Gõ tên xã, phường —</option>
<optgroup label="Huyện Châu Thành"><option value="29401">Xã Hòa Lợi — huyện Châu Thành</option><option value="29402">Xã Đa Lộc — huyện Châu Thành</option></optgroup>
<optgroup label="Thành phố Trà Vinh"><option value="29101">Phường 1 — thành phố Trà Vinh</option></optgroup>
<optgroup label="Thị xã Duyên Hải"><option value="29501">Phường 1 — thị xã Duyên Hải</option></optgroup>
</select>
<input id="after" name="after">
</form></body></html>`;

describe('combobox.js (browser)', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(() => browser?.close());
  beforeEach(async () => {
    page = await browser.newPage();
    await page.setContent(PAGE);
    await page.addScriptTag({ content: SCRIPT });
  });
  afterEach(() => page.close());

  const options = () => page.locator('[role=option]').allTextContents();

  it('replaces the select with a labelled combobox; the select stays in the form', async () => {
    expect(await page.locator('select#areaCode').isHidden()).toBe(true);
    const box = page.getByRole('combobox', { name: 'Xã, phường' });
    expect(await box.count()).toBe(1);
    expect(await box.getAttribute('aria-expanded')).toBe('false');
  });

  it('matches without diacritics, every word, and tells two "Phường 1" apart', async () => {
    await page.focus('#areaCode-tim');
    await page.keyboard.type('hoa loi');
    expect(await options()).toEqual(['Xã Hòa Lợi — huyện Châu Thành']);
    await page.fill('#areaCode-tim', '');
    await page.keyboard.type('phuong 1');
    expect(await options()).toEqual(['Phường 1 — thành phố Trà Vinh', 'Phường 1 — thị xã Duyên Hải']);
    await page.keyboard.type(' duyen');
    expect(await options()).toEqual(['Phường 1 — thị xã Duyên Hải']);
    await page.fill('#areaCode-tim', 'da loc');
    expect(await options()).toEqual(['Xã Đa Lộc — huyện Châu Thành']);
  });

  it('with the keyboard alone: arrows and Enter choose, the form sends the value; Escape closes', async () => {
    await page.focus('#areaCode-tim');
    await page.keyboard.type('phuong 1');
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('#areaCode-tim', 'aria-activedescendant')).toBe('areaCode-ds-1');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#areaCode-tim')).toBe('Phường 1 — thị xã Duyên Hải');
    expect(await page.evaluate('new FormData(document.getElementById("f")).get("areaCode")')).toBe('29501');
    expect(await page.getAttribute('#areaCode-tim', 'aria-expanded')).toBe('false');
    await page.keyboard.type('x');
    await page.keyboard.press('Escape');
    expect(await page.inputValue('#areaCode-tim')).toBe('Phường 1 — thị xã Duyên Hải');
  });

  it('Tab takes the highlighted choice and moves on', async () => {
    await page.focus('#areaCode-tim');
    await page.keyboard.type('hoa loi');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('after');
    expect(await page.inputValue('select#areaCode')).toBe('29401');
  });

  it('tabbing through it untouched chooses nothing, even with the list open', async () => {
    await page.focus('#areaCode-tim');
    expect(await page.getAttribute('#areaCode-tim', 'aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('after');
    expect(await page.inputValue('select#areaCode')).toBe('');
    expect(await page.inputValue('#areaCode-tim')).toBe('');
  });

  it('clearing the text clears the value', async () => {
    await page.focus('#areaCode-tim');
    await page.keyboard.type('hoa loi');
    await page.keyboard.press('Enter');
    await page.fill('#areaCode-tim', '');
    expect(await page.inputValue('select#areaCode')).toBe('');
  });
});
