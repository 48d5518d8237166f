import { loadSettings, SettingsError } from '../../../config/settings.js';
import { adminMapOf, reportProvinceName } from './admin-map.js';

const refusal = (env: Record<string, string>): string => {
  try {
    loadSettings(env);
  } catch (e) {
    if (e instanceof SettingsError) return e.message;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('PROVINCE_CODE and ADMIN_UNITS_EDITION', () => {
  it('default to the 2021 Trà Vinh list, the report naming Trà Vinh', () => {
    const s = loadSettings({});
    expect(adminMapOf(s)).toEqual({ edition: '2021', provinceCode: '84' });
    expect(s.REPORT_PROVINCE_NAME).toBe('Trà Vinh');
  });

  it('take a 2025 province; the edition follows the code when unset; the report names the province', () => {
    expect(adminMapOf(loadSettings({ ADMIN_UNITS_EDITION: '2025', PROVINCE_CODE: '86' }))).toEqual({ edition: '2025', provinceCode: '86' });
    const s = loadSettings({ PROVINCE_CODE: '86' });
    expect(adminMapOf(s)).toEqual({ edition: '2025', provinceCode: '86' });
    expect(s.REPORT_PROVINCE_NAME).toBe('Vĩnh Long');
    expect(loadSettings({ PROVINCE_CODE: '01' }).REPORT_PROVINCE_NAME).toBe('Hà Nội');
    expect(loadSettings({ PROVINCE_CODE: '92' }).REPORT_PROVINCE_NAME).toBe('Cần Thơ');
    expect(reportProvinceName({ edition: '2025', provinceCode: '79' })).toBe('Thành phố Hồ Chí Minh');
    // a name set explicitly wins
    expect(loadSettings({ PROVINCE_CODE: '86', REPORT_PROVINCE_NAME: 'tỉnh Vĩnh Long' }).REPORT_PROVINCE_NAME).toBe('tỉnh Vĩnh Long');
  });

  it('refuse a code of no list, naming the valid codes', () => {
    const m = refusal({ PROVINCE_CODE: '99' });
    expect(m).toContain('PROVINCE_CODE=99 không có trong danh sách 2025; các mã hợp lệ: 01 (Thành phố Hà Nội), 04 (Tỉnh Cao Bằng),');
    expect(m).toContain('86 (Tỉnh Vĩnh Long)');
    expect(m).toContain('96 (Tỉnh Cà Mau)');
    expect(refusal({ ADMIN_UNITS_EDITION: '2025', PROVINCE_CODE: '84' })).toContain('PROVINCE_CODE=84 không có trong danh sách 2025');
    expect(refusal({ ADMIN_UNITS_EDITION: '2025' })).toContain('PROVINCE_CODE=84 không có trong danh sách 2025');
    expect(refusal({ ADMIN_UNITS_EDITION: '2021', PROVINCE_CODE: '86' })).toContain('PROVINCE_CODE=86 không có trong danh sách 2021');
    expect(refusal({ PROVINCE_CODE: '8' })).toMatch(/PROVINCE_CODE="8": must be a 2-digit province code/);
    expect(refusal({ ADMIN_UNITS_EDITION: '2030', PROVINCE_CODE: '86' })).toMatch(/ADMIN_UNITS_EDITION="2030": /);
  });
});
