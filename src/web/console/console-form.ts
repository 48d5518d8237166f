import { formValue } from '../../intake/public/web-form.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../../common/idempotency-key.js';
import { nationalPhone, normalizeVietnamesePhone } from '../../common/phone.js';

/** The channels an operator logs a complaint from: a call to the hotline, or a person at the desk. */
export const CONSOLE_CHANNELS = [
  { id: 'hotline', label: 'Cuộc gọi đến Tổng đài 1022' },
  { id: 'walk_in', label: 'Người dân đến trực tiếp' },
] as const;
export type ConsoleChannel = (typeof CONSOLE_CHANNELS)[number]['id'];

/** The console form's fields (named as the API's body, so that a service's refusal names the field it is about). */
export const CONSOLE_FIELDS = [
  'channel', 'reporterPhone', 'reporterName', 'areaCode', 'address', 'categoryCode', 'content', 'urgent', 'callId', 'idempotencyKey',
] as const;
export type ConsoleField = (typeof CONSOLE_FIELDS)[number];
export type ConsoleValues = Partial<Record<ConsoleField, string>>;
export type ConsoleErrors = Partial<Record<ConsoleField, string>>;

/** What a checked form becomes: the complaint as IntakeService.createForStaff and CallsService.createTicket take it. */
export interface ConsoleInput {
  channel: ConsoleChannel;
  /** E.164, or null when none was given. */
  reporterPhone: string | null;
  reporterName: string;
  areaCode: string | null;
  address: string | null;
  categoryCode: string | null;
  content: string;
  urgent: boolean;
}

export interface ConsoleChoices {
  areaCodes: ReadonlySet<string>;
  categoryCodes: ReadonlySet<string>;
}

const LIMITS = { reporterName: 120, address: 300, content: 10_000 } as const;

/** The submitted values as strings, trimmed where a person would not mean the spaces. */
export function consoleFormValues(body: Record<string, unknown> | undefined): ConsoleValues {
  const out: ConsoleValues = {};
  for (const f of CONSOLE_FIELDS) out[f] = f === 'content' ? formValue(body, f) : formValue(body, f).trim();
  return out;
}

/** The rendering's key when it is a well-formed one (8–128 of A-Z a-z 0-9 _ -), else null (no key: every submission is new). */
export function formKey(values: ConsoleValues): string | null {
  const key = values.idempotencyKey ?? '';
  return IDEMPOTENCY_KEY_PATTERN.test(key) ? key : null;
}

/** The phone as the operator typed it, checked: null when empty, false when it is no Vietnamese number. */
export function typedPhone(value: string | undefined): string | null | false {
  if (!value?.trim()) return null;
  return normalizeVietnamesePhone(value) ?? false;
}

export const PHONE_ERROR = 'Số điện thoại không hợp lệ. Nhập số Việt Nam, ví dụ 0912 345 678, 0912.345.678 hoặc +84 912 345 678.';

/**
 * Checks the form field by field, with a sentence for the operator next to each field; `input` only when nothing is
 * wrong. `phoneFromCall`: the phone comes from the announced call (the field is not the operator's to type).
 */
export function checkConsoleForm(values: ConsoleValues, choices: ConsoleChoices, phoneFromCall = false): { errors: ConsoleErrors; input: ConsoleInput | null } {
  const errors: ConsoleErrors = {};
  const channel = CONSOLE_CHANNELS.find((c) => c.id === values.channel)?.id;
  if (!channel) errors.channel = 'Vui lòng chọn kênh tiếp nhận: cuộc gọi hoặc trực tiếp.';
  const phone = phoneFromCall ? null : typedPhone(values.reporterPhone);
  if (phone === false) errors.reporterPhone = PHONE_ERROR;
  const name = values.reporterName ?? '';
  if (!name) errors.reporterName = 'Vui lòng nhập họ tên người phản ánh (không rõ thì ghi “Người dân”).';
  else if (name.length > LIMITS.reporterName) errors.reporterName = `Họ tên dài tối đa ${LIMITS.reporterName} ký tự.`;
  const area = values.areaCode || null;
  if (area && !choices.areaCodes.has(area)) errors.areaCode = 'Vui lòng chọn xã, phường, thị trấn trong danh sách.';
  const category = values.categoryCode || null;
  if (category && !choices.categoryCodes.has(category)) errors.categoryCode = 'Vui lòng chọn lĩnh vực trong danh sách.';
  const address = values.address || null;
  if (address && address.length > LIMITS.address) errors.address = `Địa chỉ dài tối đa ${LIMITS.address} ký tự.`;
  const content = (values.content ?? '').trim();
  if (!content) errors.content = 'Vui lòng nhập nội dung phản ánh.';
  else if (content.length > LIMITS.content) errors.content = `Nội dung dài tối đa ${LIMITS.content.toLocaleString('vi-VN')} ký tự.`;
  if (Object.keys(errors).length || !channel || phone === false) return { errors, input: null };
  return {
    errors,
    input: { channel, reporterPhone: phone, reporterName: name, areaCode: area, address, categoryCode: category, content, urgent: values.urgent === 'on' },
  };
}

const DIGIT_WORDS: Record<string, string> = { 2: 'hai', 3: 'ba', 4: 'bốn', 5: 'năm', 6: 'sáu', 7: 'bảy', 8: 'tám', 9: 'chín' };

/**
 * A tracking code as it is read over the phone: its groups ("PA", "7K3M", "9QXZ") and each group spelt out, digits
 * as words ("bảy – K – ba – M").
 */
export function codeForReading(code: string): { groups: string[]; spoken: string[] } {
  const groups = code.split('-');
  return { groups, spoken: groups.map((g) => [...g].map((c) => DIGIT_WORDS[c] ?? c).join(' – ')) };
}

/** "0912 345 678" for a number read aloud (national form, grouped 4-3-3); anything else as it is. */
export function groupedPhone(phone: string | null): string {
  const national = nationalPhone(normalizeVietnamesePhone(phone)) ?? phone ?? '';
  return /^0\d{9}$/.test(national) ? `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}` : national;
}
