import { personalDetailsIn, personalDetailsMessage, redactText, REDACTED, type ReporterDetails } from './redaction.js';

const reporter: ReporterDetails = {
  name: 'Nguyễn Văn An', phone: '+84912345678', email: 'an.nguyen@example.vn', address: 'Số 12 đường Lê Lợi, ấp Sóc Ruộng',
};

describe('redaction of a published answer', () => {
  it.each([
    ['0912345678'], ['0912 345 678'], ['0912.345.678'], ['091-234-5678'], ['+84 912 345 678'], ['+84912345678'], ['84912345678'],
    ['(028) 3822 1234'], ['0283.822.1234'], ['0987654321'],
  ])('hides the phone number %s', (phone) => {
    const out = redactText(`Gọi lại cho tôi theo số ${phone} nhé.`, reporter);
    expect(out).toBe(`Gọi lại cho tôi theo số ${REDACTED} nhé.`);
    expect(personalDetailsIn(`Số ${phone}.`, reporter)).toEqual(['phone']);
    expect(personalDetailsIn(out, reporter)).toEqual([]);
  });

  it('keeps numbers that are not phone numbers: amounts, dates, years, quantities', () => {
    const text = 'Hỗ trợ 20.000.000 đồng ngày 02.03.2026, 20 kg gạo, năm 2025, hộ số 123.';
    expect(redactText(text, reporter)).toBe(text);
    expect(personalDetailsIn(text, reporter)).toEqual([]);
  });

  it('hides e-mail addresses, any of them', () => {
    expect(redactText('Gửi về an.nguyen@example.vn hoặc ho.tro@ubnd.gov.vn.', reporter))
      .toBe(`Gửi về ${REDACTED} hoặc ${REDACTED}.`);
    expect(personalDetailsIn('Liên hệ AN.NGUYEN@EXAMPLE.VN', reporter)).toEqual(['email']);
  });

  it('hides the reporter\'s name, its two-word tails, in any case, with or without diacritics', () => {
    expect(redactText('Tôi là Nguyễn Văn An, ông Văn An ở ấp 3; NGUYỄN VĂN AN; nguyen van an; Van An.', reporter))
      .toBe(`Tôi là ${REDACTED}, ông ${REDACTED} ở ấp 3; ${REDACTED}; ${REDACTED}; ${REDACTED}.`);
    // a word that only contains the name is not a name
    expect(redactText('Văn Anh và Nguyễn Văn Ant', reporter)).toBe('Văn Anh và Nguyễn Văn Ant');
    expect(personalDetailsIn('Ông nguyễn văn an phản ánh', reporter)).toEqual(['name']);
    expect(personalDetailsIn('Ông Văn Anh phản ánh', reporter)).toEqual([]);
  });

  it('hides the exact address and its house-number part', () => {
    expect(redactText('Nhà tôi ở Số 12 đường Lê Lợi, ấp Sóc Ruộng bị ngập.', reporter)).toBe(`Nhà tôi ở ${REDACTED} bị ngập.`);
    expect(redactText('Trước số 12 đường Lê Lợi nước ngập.', reporter)).toBe(`Trước ${REDACTED} nước ngập.`);
    expect(personalDetailsIn('Ngập trước so 12 duong Le Loi.', reporter)).toEqual(['address']);
    // the hamlet alone is where the matter is, not the reporter's address
    expect(personalDetailsIn('Ấp Sóc Ruộng bị ngập.', reporter)).toEqual([]);
  });

  it('finds the reporter\'s own number however it is split, and lists every kind found', () => {
    expect(personalDetailsIn('Số của tôi: 09 1 2 3 4 5 6 7 8', reporter)).toEqual(['phone']);
    expect(personalDetailsIn('Nguyễn Văn An, 0912345678, an.nguyen@example.vn, Số 12 đường Lê Lợi', reporter))
      .toEqual(['phone', 'email', 'name', 'address']);
    expect(personalDetailsMessage(['phone', 'name'])).toBe(
      `Nội dung công bố còn số điện thoại, họ tên người phản ánh. Hãy xóa hoặc thay bằng “${REDACTED}” trước khi công bố.`);
  });

  it('works with a reporter who gave no phone, e-mail or address, and a one-word name', () => {
    const none: ReporterDetails = { name: 'Hùng', phone: null, email: null, address: null };
    expect(redactText('Anh Hùng hỏi về trợ cấp.', none)).toBe(`Anh ${REDACTED} hỏi về trợ cấp.`);
    expect(personalDetailsIn('Hỏi về trợ cấp.', none)).toEqual([]);
  });
});
