import { nationalPhone, normalizeVietnamesePhone } from './phone.js';

describe('Vietnamese phone numbers', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['091 234 5678', '+84912345678'],
    ['+84 912 345 678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['0376.123.456', '+84376123456'],
    ['02943855555', '+842943855555'],
  ])('%s is stored as %s', (input, e164) => {
    expect(normalizeVietnamesePhone(input)).toBe(e164);
  });

  it.each(['12345', '0912', '+1 202 555 0100', 'abc', '0012345678'])('%s is refused', (input) => {
    expect(normalizeVietnamesePhone(input)).toBeNull();
  });

  it('shows the national form', () => {
    expect(nationalPhone('+84912345678')).toBe('0912345678');
  });
});
