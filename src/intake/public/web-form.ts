import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { MAX_PHOTOS, sizeText, type PhotoRefusedError } from './photo-storage.js';
import type { FormChoices, PublicReportInput } from './public-report.service.js';
import { WEB_CONTENT_MIN, WebReportDto } from './public.dto.js';

/** A field's reason, per field name, as shown next to the field. */
export type FieldErrors = Partial<Record<string, string>>;

/** The web form's fields as typed. */
export interface ReportFormValues {
  fullName?: string;
  phone?: string;
  email?: string;
  areaCode?: string;
  categoryCode?: string;
  address?: string;
  content?: string;
}

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

/**
 * What the form says of each field's first broken rule (the rules are WebReportDto's, the app's complaint and what the
 * form asks for besides), in sentences for the person filling it; `other` for any rule not named.
 */
const FIELD_SENTENCES: Record<(typeof REPORT_FIELDS)[number], { other: string } & Record<string, string>> = {
  fullName: { isNotEmpty: 'Vui lòng nhập họ và tên.', other: 'Họ và tên dài tối đa 120 ký tự.' },
  phone: {
    isNotEmpty: 'Vui lòng nhập số điện thoại để nhận kết quả và tra cứu phản ánh.',
    other: 'Số điện thoại không hợp lệ. Vui lòng nhập số Việt Nam, ví dụ 0912 345 678.',
  },
  email: { other: 'Địa chỉ email không hợp lệ, ví dụ ten@example.com.' },
  areaCode: { isNotEmpty: 'Vui lòng chọn xã, phường, thị trấn nơi xảy ra sự việc.', other: 'Xã, phường, thị trấn đã chọn không có trong danh sách; vui lòng chọn lại.' },
  categoryCode: { other: 'Lĩnh vực đã chọn không có trong danh sách; vui lòng chọn lại.' },
  address: { other: 'Địa chỉ dài tối đa 300 ký tự.' },
  content: {
    isNotEmpty: 'Vui lòng nhập nội dung phản ánh.',
    minLength: `Nội dung quá ngắn: vui lòng mô tả rõ sự việc (ít nhất ${WEB_CONTENT_MIN} ký tự).`,
    other: 'Nội dung dài tối đa 5.000 ký tự.',
  },
};

/** The order in which a field's broken rules are told: an empty field is told it is empty, not that it is too short. */
const RULE_ORDER = ['isNotEmpty', 'isString', 'minLength'];

/**
 * Checks the web form with the complaint's rules (WebReportDto), with a sentence per field for the person filling it;
 * and, as only the form can, that the commune and the category are ones of its lists. On success, the input for
 * PublicReportService.
 */
export function checkReportForm(v: ReportFormValues, choices: FormChoices): { errors: FieldErrors; input?: PublicReportInput } {
  const dto = plainToInstance(WebReportDto, Object.fromEntries(REPORT_FIELDS.map((f) => [f, v[f] ?? ''])));
  const errors: FieldErrors = {};
  for (const e of validateSync(dto)) {
    const field = e.property as (typeof REPORT_FIELDS)[number];
    const sentences = FIELD_SENTENCES[field];
    if (!sentences) continue;
    const failed = Object.keys(e.constraints ?? {}).sort((a, b) => rank(a) - rank(b));
    errors[field] = sentences[failed[0]] ?? sentences.other;
  }
  const communes = new Set(choices.districts.flatMap((d) => d.communes.map((c) => c.code)));
  if (!errors.areaCode && !communes.has(dto.areaCode)) errors.areaCode = FIELD_SENTENCES.areaCode.other;
  if (!errors.categoryCode && dto.categoryCode && !choices.categories.some((c) => c.code === dto.categoryCode)) errors.categoryCode = FIELD_SENTENCES.categoryCode.other;

  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    input: {
      fullName: dto.fullName, phone: dto.phone, email: dto.email ?? null, areaCode: dto.areaCode,
      categoryCode: dto.categoryCode ?? null, address: dto.address ?? null, content: dto.content,
    },
  };
}

const rank = (rule: string) => {
  const i = RULE_ORDER.indexOf(rule);
  return i < 0 ? RULE_ORDER.length : i;
};

/** What the form says next to its photo field when the photos were refused (PhotoStorage's checks, multer's limits). */
export function photoErrorText(refused: Pick<PhotoRefusedError, 'problem' | 'filename'>, maxBytes: number): string {
  const name = refused.filename ? ` “${refused.filename}”` : '';
  switch (refused.problem) {
    case 'too_large':
      return `Ảnh${name} lớn hơn ${sizeText(maxBytes)}. Mỗi ảnh tối đa ${sizeText(maxBytes)}: vui lòng chọn ảnh nhỏ hơn hoặc gửi không kèm ảnh.`;
    case 'not_image':
      return `Tệp${name} không phải ảnh. Chỉ nhận ảnh JPEG, PNG, WebP hoặc HEIC: vui lòng chọn lại.`;
    case 'too_many':
      return `Chỉ gửi được tối đa ${MAX_PHOTOS} ảnh: vui lòng chọn lại.`;
  }
}
