import { checkConsoleForm, codeForReading, consoleFormValues, formKey, groupedPhone, typedPhone } from './console-form.js';

const choices = { areaCodes: new Set(['29401']), categoryCodes: new Set(['AN-SINH']) };
const good = { channel: 'hotline', reporterPhone: '0912.345.678', reporterName: 'Lê Văn An', areaCode: '29401', categoryCode: 'AN-SINH', content: 'Nội dung.', address: '', urgent: 'on' };

describe('the console form', () => {
  it('takes the phone in any usual form, as E.164', () => {
    for (const p of ['0912 345 678', '0912.345.678', '+84 912 345 678', '84912345678']) expect(typedPhone(p)).toBe('+84912345678');
    expect(typedPhone('  ')).toBeNull();
    expect(typedPhone('0912 34')).toBe(false);
  });

  it('gives the complaint when every field is right', () => {
    expect(checkConsoleForm(good, choices)).toEqual({
      errors: {},
      input: { channel: 'hotline', reporterPhone: '+84912345678', reporterName: 'Lê Văn An', areaCode: '29401', address: null, categoryCode: 'AN-SINH', content: 'Nội dung.', urgent: true },
    });
    // the phone of an announced call is not the form's
    expect(checkConsoleForm({ ...good, reporterPhone: 'anonymous' }, choices, true).input?.reporterPhone).toBeNull();
  });

  it('says what is wrong with each field, in Vietnamese, and gives no complaint', () => {
    const { errors, input } = checkConsoleForm(
      { channel: 'zalo', reporterPhone: '123', reporterName: '', areaCode: '99999', categoryCode: 'NOPE', content: ' ', address: 'x'.repeat(301) }, choices);
    expect(input).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['address', 'areaCode', 'categoryCode', 'channel', 'content', 'reporterName', 'reporterPhone']);
    expect(errors.reporterPhone).toMatch(/^Số điện thoại không hợp lệ/);
    expect(errors.areaCode).toBe('Vui lòng chọn xã, phường, thị trấn trong danh sách.');
  });

  it('keeps a well-formed key of the rendering only', () => {
    expect(formKey(consoleFormValues({ idempotencyKey: '3f1c2a9e-0d4b-4c8e-9a51-7b2f0c6d8e11' }))).toBe('3f1c2a9e-0d4b-4c8e-9a51-7b2f0c6d8e11');
    expect(formKey(consoleFormValues({ idempotencyKey: 'ngắn' }))).toBeNull();
    expect(formKey(consoleFormValues({}))).toBeNull();
  });

  it('spells a code out in groups, digits as words, and groups a number 4-3-3', () => {
    expect(codeForReading('PA-7K3M-9QXZ')).toEqual({ groups: ['PA', '7K3M', '9QXZ'], spoken: ['P – A', 'bảy – K – ba – M', 'chín – Q – X – Z'] });
    expect(groupedPhone('+84912345678')).toBe('0912 345 678');
    expect(groupedPhone('anonymous')).toBe('anonymous');
  });
});
