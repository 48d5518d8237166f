import { isEmail } from 'class-validator';
import { normalizeVietnamesePhone } from '../../common/phone.js';
import type { FieldErrors, ReportFormValues } from './pages.html.js';
import type { FormChoices, PublicReportInput } from './public-report.service.js';

export const REPORT_FIELDS = ['fullName', 'phone', 'email', 'areaCode', 'categoryCode', 'address', 'content'] as const;

/** A form field as a string: urlencoded bodies give an array for a repeated name, and nothing for an absent one. */
export function formValue(body: Record<string, unknown> | undefined, name: string): string {
  const v = body?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

export function reportFormValues(body: Record<string, unknown> | undefined): ReportFormValues {
  const out: ReportFormValues = {};
  for (const f of REPORT_FIELDS) out[f] = formValue(body, f);
  return out;
}

const MIN_CONTENT = 10;

/**
 * Checks the web form, with a sentence per field for the person filling it (the API's DTO says the same things in
 * its own terms). On success, the input for PublicReportService.
 */
export function checkReportForm(v: ReportFormValues, choices: FormChoices): { errors: FieldErrors; input?: PublicReportInput } {
  const errors: FieldErrors = {};
  const fullName = (v.fullName ?? '').trim();
  const phone = (v.phone ?? '').trim();
  const email = (v.email ?? '').trim();
  const address = (v.address ?? '').trim();
  const content = (v.content ?? '').trim();
  const areaCode = (v.areaCode ?? '').trim();
  const categoryCode = (v.categoryCode ?? '').trim();

  if (!fullName) errors.fullName = 'Vui lòng nhập họ và tên.';
  else if (fullName.length > 120) errors.fullName = 'Họ và tên dài tối đa 120 ký tự.';

  if (!phone) errors.phone = 'Vui lòng nhập số điện thoại để nhận kết quả và tra cứu phản ánh.';
  else if (!normalizeVietnamesePhone(phone)) errors.phone = 'Số điện thoại không hợp lệ. Vui lòng nhập số Việt Nam, ví dụ 0912 345 678.';

  if (email && (email.length > 254 || !isEmail(email))) errors.email = 'Địa chỉ email không hợp lệ, ví dụ ten@example.com.';

  const communes = new Set(choices.districts.flatMap((d) => d.communes.map((c) => c.code)));
  if (!areaCode) errors.areaCode = 'Vui lòng chọn xã, phường, thị trấn nơi xảy ra sự việc.';
  else if (!communes.has(areaCode)) errors.areaCode = 'Xã, phường, thị trấn đã chọn không có trong danh sách; vui lòng chọn lại.';

  if (categoryCode && !choices.categories.some((c) => c.code === categoryCode)) errors.categoryCode = 'Lĩnh vực đã chọn không có trong danh sách; vui lòng chọn lại.';

  if (address.length > 300) errors.address = 'Địa chỉ dài tối đa 300 ký tự.';

  if (!content) errors.content = 'Vui lòng nhập nội dung phản ánh.';
  else if (content.length < MIN_CONTENT) errors.content = `Nội dung quá ngắn: vui lòng mô tả rõ sự việc (ít nhất ${MIN_CONTENT} ký tự).`;
  else if (content.length > 5000) errors.content = 'Nội dung dài tối đa 5.000 ký tự.';

  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    input: {
      fullName, phone, email: email || null, areaCode, categoryCode: categoryCode || null, address: address || null, content,
    },
  };
}
