import { jest } from '@jest/globals';
import { formatDateVi, formatNumberVi, changePhrase } from './report-format.js';
import { januaryFigures, januaryUnits as januaryUnitLines, PRINTED_JANUARY_2022 as PRINTED_SECTION, UNITS_HEADER } from '../../test/fixtures/january-2022.js';
import type { OverdueUnitLine } from './report-figures.js';
import { displayUnitName, renderReportText, sortOverdueUnits } from './report-text.js';

/** The printed section with the lines around it in the printed report: a heading before it, the department's next item after it. */
const PRINTED_JANUARY_2022 = `* Hệ thống tổng đài hỗ trợ phòng, chống Covid-19 tỉnh:
${PRINTED_SECTION}- Thực hiện báo cáo hàng ngày về tình hình thực hiện các nhiệm vụ liên quan phòng, chống dịch Covid-19 trên địa bàn tỉnh.
`;

const printedLines = PRINTED_JANUARY_2022.split('\n');
const unitsStart = printedLines.indexOf(UNITS_HEADER) + 1;
const unitsEnd = printedLines.findIndex((line, i) => i >= unitsStart && !line.startsWith('+ '));
/** "+ UBND Phường 3: 3;" → { name, count }, in the printed order. */
const printedUnits = printedLines.slice(unitsStart, unitsEnd).map((line) => {
  const m = /^\+ (.+): (\d+)[;.]$/.exec(line);
  if (!m) throw new Error(`unparsed unit line: ${line}`);
  return { name: m[1], count: Number(m[2]) };
});

/** The level as the official name tells it. */
function levelFromName(name: string): OverdueUnitLine['level'] {
  if (/^Sở /.test(name) || name === 'Văn phòng UBND tỉnh') return 'province';
  if (/^Phòng /.test(name) || /^Văn phòng HĐND và UBND huyện /.test(name)) return 'district';
  if (/^UBND (xã|Phường|Thị trấn) /.test(name)) return 'commune';
  throw new Error(`no level for ${name}`);
}

/** The units of the report's figures; the one list every figures object below is compared against for its order. */
const januaryUnits: OverdueUnitLine[] = januaryUnitLines();

const linesOf = (text: string) => {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
};

describe('renderReportText: the January 2022 report', () => {
  it('has 28 units whose printed counts add up to the 102 overdue tickets', () => {
    expect(printedUnits).toHaveLength(28);
    expect(printedUnits.reduce((sum, u) => sum + u.count, 0)).toBe(102);
    expect(januaryFigures().overdue.current).toBe(102);
  });

  it('reproduces the printed section line by line, the unit list in our order', () => {
    const firstLine = printedLines.indexOf('- App công dân 1022 Trà Vinh:');
    // Printed lines up to the unit list, verbatim; then the printed unit entries, sorted our way.
    const expectedHead = printedLines.slice(firstLine, unitsStart);
    const sortedPrinted = [...printedUnits].sort((a, b) => {
      const rank = { province: 0, district: 1, commune: 2 };
      return (
        rank[levelFromName(a.name)] - rank[levelFromName(b.name)] ||
        b.count - a.count ||
        new Intl.Collator('vi', { sensitivity: 'base', numeric: true }).compare(a.name, b.name)
      );
    });
    const expectedUnits = sortedPrinted.map((u, i) => `+ ${u.name}: ${u.count}${i === sortedPrinted.length - 1 ? '.' : ';'}`);

    const actual = linesOf(renderReportText(januaryFigures()));
    const expected = [...expectedHead, ...expectedUnits];
    expect(actual).toHaveLength(expected.length);
    actual.forEach((line, i) => expect(`${i}: ${line}`).toBe(`${i}: ${expected[i]}`));

    // The same 28 entries as printed, only reordered.
    const entry = (line: string) => line.replace(/[;.]$/, '');
    expect(actual.slice(expectedHead.length).map(entry).sort()).toEqual(printedLines.slice(unitsStart, unitsEnd).map(entry).sort());
  });

  it('puts provincial units first, then district, then commune units, by count then name', () => {
    const names = sortOverdueUnits(januaryUnits).map((u) => `${u.unitName}: ${u.count}`);
    expect(names.slice(0, 8)).toEqual([
      'Sở Y tế: 61',
      'Văn phòng UBND tỉnh: 2',
      'Phòng Y tế huyện Cầu Ngang: 1',
      'Phòng Y tế huyện Châu Thành: 1',
      'Văn phòng HĐND và UBND huyện Duyên Hải: 1',
      'UBND Phường 3: 3',
      'UBND Phường 6: 3',
      'UBND Thị trấn Châu Thành: 3',
    ]);
    expect(names.slice(-3)).toEqual(['UBND xã Tân Sơn: 1', 'UBND xã Tập Sơn: 1', 'UBND xã Thanh Mỹ: 1']);
    expect(januaryUnits[0].unitName).toBe('Văn phòng UBND tỉnh'); // input left in its order
  });
});

describe('renderReportText: changes', () => {
  it('reads "giảm" for negative changes', () => {
    const f = januaryFigures();
    f.appInstalls.ios = { current: 150, previous: 167 };
    f.receivedTotal = { current: 145, previous: 145 };
    f.handled = { current: 42, previous: 1042 };
    f.overdue = { current: 80, previous: 102 };
    const lines = linesOf(renderReportText(f));
    expect(lines).toContain('+ App IOS: 150 lượt cài đặt (giảm 17 lượt).');
    expect(lines).toContain('- Từ 16 giờ ngày 13/12/2021 đến 16 giờ ngày 12/01/2022 tiếp nhận: 145 (tăng 0 lượt tiếp nhận).');
    expect(lines).toContain('+ Đã xử lý: 42 phản ánh (giảm 1.000 lượt xử lý);');
    expect(lines).toContain('+ Đang xử lý: 103 (trong đó: 80 phiếu trễ hạn (giảm 22 phiếu trễ hạn)).');
  });

  it('leaves the parentheses out of a first report', () => {
    const f = januaryFigures();
    f.previousCutoff = null;
    f.appInstalls = { android: { current: 215, previous: null }, ios: { current: 272, previous: null } };
    f.receivedTotal = { current: 168, previous: null };
    f.handled = { current: 54, previous: null };
    f.open = 112;
    f.overdue = { current: 102, previous: null };
    const lines = linesOf(renderReportText(f));
    expect(lines.slice(0, 3)).toEqual(['- App công dân 1022 Trà Vinh:', '+ App android: 215 lượt cài đặt;', '+ App IOS: 272 lượt cài đặt.']);
    expect(lines).toContain('- Từ 16 giờ ngày 13/12/2021 đến 16 giờ ngày 12/01/2022 tiếp nhận: 168.');
    expect(lines).toContain('+ Đã xử lý: 54 phản ánh;');
    expect(lines).toContain('+ Đang xử lý: 112 (trong đó: 102 phiếu trễ hạn).');
    expect(lines.join('\n')).not.toMatch(/tăng|giảm/);
  });

  it('changePhrase: tăng, giảm, zero, first report', () => {
    expect(changePhrase({ current: 256, previous: 204 }, 'lượt')).toBe(' (tăng 52 lượt)');
    expect(changePhrase({ current: 204, previous: 256 }, 'lượt')).toBe(' (giảm 52 lượt)');
    expect(changePhrase({ current: 5, previous: 5 }, 'lượt')).toBe(' (tăng 0 lượt)');
    expect(changePhrase({ current: 5, previous: null }, 'lượt')).toBe('');
    expect(changePhrase({ current: 1_250_000, previous: 0 }, 'lượt tiếp nhận')).toBe(' (tăng 1.250.000 lượt tiếp nhận)');
  });
});

describe('renderReportText: unit list', () => {
  it('reads "không có" when no unit is overdue', () => {
    const f = { ...januaryFigures(), open: 3, overdue: { current: 0, previous: 102 }, overdueUnits: [] };
    const lines = linesOf(renderReportText(f));
    expect(lines.slice(-2)).toEqual(['+ Đang xử lý: 3 (trong đó: 0 phiếu trễ hạn (giảm 102 phiếu trễ hạn)).', '- Các đơn vị đang xử lý trễ hạn: không có.']);
  });

  it('adds the district to names shared by two units of the list', () => {
    const units: OverdueUnitLine[] = [
      { unitCode: 'TX-DH-P1', unitName: 'UBND Phường 1', level: 'commune', districtName: 'Thị xã Duyên Hải', count: 2 },
      { unitCode: 'TP-TV-P1', unitName: 'UBND Phường 1', level: 'commune', districtName: 'Thành phố Trà Vinh', count: 2 },
      { unitCode: 'CN-YT', unitName: 'Phòng Y tế huyện Cầu Ngang', level: 'district', districtName: 'Huyện Cầu Ngang', count: 1 },
      { unitCode: 'TV-P3', unitName: 'UBND Phường 3', level: 'commune', districtName: 'Thành phố Trà Vinh', count: 1 },
    ];
    const f = { ...januaryFigures(), overdue: { current: 6, previous: null }, overdueUnits: units };
    expect(linesOf(renderReportText(f)).slice(-5)).toEqual([
      '- Các đơn vị đang xử lý trễ hạn:',
      '+ Phòng Y tế huyện Cầu Ngang: 1;',
      '+ UBND Phường 1 (thành phố Trà Vinh): 2;',
      '+ UBND Phường 1 (thị xã Duyên Hải): 2;',
      '+ UBND Phường 3: 1.',
    ]);
    expect(displayUnitName(units[2], units)).toBe('Phòng Y tế huyện Cầu Ngang');
    // Only a name shared within the list counts; the kind of district is lower-cased.
    const sameNameInHuyen: OverdueUnitLine = { ...units[2], unitCode: 'X', districtName: 'Huyện Cầu Ngang' };
    expect(displayUnitName(sameNameInHuyen, [units[2], sameNameInHuyen])).toBe('Phòng Y tế huyện Cầu Ngang (huyện Cầu Ngang)');
    expect(displayUnitName(units[0], [units[0]])).toBe('UBND Phường 1');
  });
});

describe('report formatting', () => {
  it('formats numbers Vietnamese style', () => {
    expect(formatNumberVi(1760506)).toBe('1.760.506');
    expect(formatNumberVi(20.48)).toBe('20,48');
    expect(formatNumberVi(0)).toBe('0');
    expect(formatNumberVi(999)).toBe('999');
    expect(formatNumberVi(1000)).toBe('1.000');
    expect(formatNumberVi(-1234567.5)).toBe('-1.234.567,5');
    expect(formatNumberVi(1 / 3)).toBe('0,33');
    expect(formatNumberVi(12.3456, 3)).toBe('12,346');
    expect(formatNumberVi(-0.001)).toBe('0');
    expect(() => formatNumberVi(Number.NaN)).toThrow(RangeError);
  });

  it('formats dates dd/mm/yyyy in Viet Nam time (UTC+7)', () => {
    expect(formatDateVi(new Date('2022-01-12T09:00:00Z'))).toBe('12/01/2022');
    expect(formatDateVi(new Date('2021-12-31T16:59:59.999Z'))).toBe('31/12/2021');
    expect(formatDateVi(new Date('2021-12-31T17:00:00Z'))).toBe('01/01/2022'); // midnight in Viet Nam
    expect(formatDateVi(new Date('2022-05-03T00:00:00+07:00'))).toBe('03/05/2022');
  });

  // Jest's sandbox does not pass a run-time process.env.TZ change on to the clock, so the zone cannot be switched
  // in-process: run this file under several zones (TZ=UTC, TZ=America/New_York, TZ=Pacific/Kiritimati npm test -- src/reports);
  // the second test proves in any zone that no local-time getter is used.
  const processZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  it(`gives Viet Nam dates in the process zone ${processZone}`, () => {
    // Each instant falls on a different calendar day in UTC / New York / Kiritimati (UTC+14) than in Viet Nam.
    const instants = ['2021-12-13T09:00:00Z', '2022-01-11T17:30:00Z', '2022-01-12T16:59:00Z', '2022-03-13T07:30:00Z'];
    expect(instants.map((iso) => formatDateVi(new Date(iso)))).toEqual(['13/12/2021', '12/01/2022', '12/01/2022', '13/03/2022']);
    const line = linesOf(renderReportText(januaryFigures())).find((l) => l.startsWith('- Từ '));
    expect(line).toBe('- Từ 16 giờ ngày 13/12/2021 đến 16 giờ ngày 12/01/2022 tiếp nhận: 145 (tăng 98 lượt tiếp nhận).');
  });

  it('never reads the process time zone', () => {
    const local = ['getDate', 'getDay', 'getMonth', 'getFullYear', 'getHours', 'getTimezoneOffset', 'toLocaleDateString', 'toLocaleString'] as const;
    const spies = local.map((name) =>
      jest.spyOn(Date.prototype, name).mockImplementation(() => {
        throw new Error(`Date.prototype.${name} depends on the process time zone`);
      }),
    );
    try {
      expect(formatDateVi(new Date('2022-01-11T17:30:00Z'))).toBe('12/01/2022');
      expect(linesOf(renderReportText(januaryFigures())).length).toBeGreaterThan(0);
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  });
});
