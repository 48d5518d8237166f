import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PublicReportDto, WebReportDto } from './public.dto.js';
import { checkReportForm, photoErrorText } from './web-form.js';

const choices = {
  districts: [{ code: '847', name: 'Huyện Châu Thành', communes: [{ code: '29401', name: 'Xã Hòa Lợi' }] }],
  categories: [{ code: 'AN-SINH', name: 'An sinh xã hội' }],
} as never;

const valid = { fullName: 'Nguyễn Văn An', phone: '0912 345 678', email: '', areaCode: '29401', categoryCode: 'AN-SINH', address: '', content: 'Chưa nhận được gói hỗ trợ lương thực.' };
const failing = (cls: typeof PublicReportDto | typeof WebReportDto, body: Record<string, unknown>) =>
  validateSync(plainToInstance(cls, body)).map((e) => e.property).sort();

describe('the app and the web form check a complaint with the same rules', () => {
  it('refuse the same bad values of the fields they share', () => {
    for (const bad of [{ fullName: ' ' }, { fullName: 'A'.repeat(121) }, { email: 'khong-phai-email' }, { address: 'x'.repeat(301) }, { content: 'x'.repeat(5001) }, { phone: '12345' }]) {
      const field = Object.keys(bad)[0];
      expect({ bad: field, app: failing(PublicReportDto, { ...valid, ...bad }), web: failing(WebReportDto, { ...valid, ...bad }) })
        .toEqual({ bad: field, app: [field], web: [field] });
    }
  });

  it('differ only where the form asks for more: a phone, the commune, a content of ten characters', () => {
    expect(failing(PublicReportDto, { ...valid, phone: '', areaCode: '', content: 'ngắn' })).toEqual([]);
    expect(failing(WebReportDto, { ...valid, phone: '', areaCode: '', content: 'ngắn' })).toEqual(['areaCode', 'content', 'phone']);
  });

  it('the form tells each field in a sentence, and checks the commune and category against its lists', () => {
    expect(checkReportForm({ ...valid, phone: '', content: 'ngắn', areaCode: '847', categoryCode: 'KHONG-CO' }, choices).errors).toEqual({
      phone: 'Vui lòng nhập số điện thoại để nhận kết quả và tra cứu phản ánh.',
      content: 'Nội dung quá ngắn: vui lòng mô tả rõ sự việc (ít nhất 10 ký tự).',
      areaCode: 'Xã, phường, thị trấn đã chọn không có trong danh sách; vui lòng chọn lại.',
      categoryCode: 'Lĩnh vực đã chọn không có trong danh sách; vui lòng chọn lại.',
    });
    expect(checkReportForm(valid, choices)).toEqual({
      errors: {},
      input: { fullName: 'Nguyễn Văn An', phone: '0912 345 678', email: null, areaCode: '29401', categoryCode: 'AN-SINH', address: null, content: valid.content },
    });
  });

  it('tells a refused photo by its name, or without one when the browser sent none', () => {
    expect(photoErrorText({ problem: 'too_large', filename: 'ảnh.jpg' }, 5 * 1024 * 1024))
      .toBe('Ảnh “ảnh.jpg” lớn hơn 5 MB. Mỗi ảnh tối đa 5 MB: vui lòng chọn ảnh nhỏ hơn hoặc gửi không kèm ảnh.');
    expect(photoErrorText({ problem: 'not_image', filename: '' }, 1024)).toBe('Tệp không phải ảnh. Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC: vui lòng chọn lại.');
    expect(photoErrorText({ problem: 'too_many', filename: '' }, 1024)).toBe('Chỉ gửi được tối đa 5 ảnh: vui lòng chọn lại.');
  });
});
