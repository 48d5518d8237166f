import { compareVietnamese, foldText } from './text.js';

describe('foldText', () => {
  it('folds diacritics, đ and case', () => {
    expect(foldText('UBND xã Hòa Lợi')).toBe('ubnd xa hoa loi');
    expect(foldText('Đôn Xuân')).toBe('don xuan');
    expect(foldText('  Lương  Hoà A ')).toBe('luong hoa a');
  });
});

describe('compareVietnamese', () => {
  it('orders Vietnamese names alphabetically, numbers numerically', () => {
    const names = ['UBND xã Đôn Xuân', 'UBND xã Dân Thành', 'UBND Phường 10', 'UBND Phường 9', 'UBND xã Hòa Lợi'];
    expect([...names].sort(compareVietnamese)).toEqual(['UBND Phường 9', 'UBND Phường 10', 'UBND xã Dân Thành', 'UBND xã Đôn Xuân', 'UBND xã Hòa Lợi']);
  });
});
