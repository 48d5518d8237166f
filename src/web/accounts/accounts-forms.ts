import { randomInt } from 'node:crypto';
import { isEmail } from 'class-validator';
import { ROLES, type Role } from '../../common/roles.js';
import { formValue } from '../../intake/public/web-form.js';

/** Roles in the order the forms offer them, with their Vietnamese names (the header's, see staff-nav.ts). */
export const ROLE_CHOICES: Array<{ value: Role; label: string }> = [
  { value: 'operator', label: 'Tổng đài viên' },
  { value: 'coordinator', label: 'Điều phối viên' },
  { value: 'unit_staff', label: 'Cán bộ đơn vị' },
  { value: 'leader', label: 'Lãnh đạo' },
  { value: 'admin', label: 'Quản trị hệ thống' },
];

export const USERS_PAGE_SIZE = 50;
export const AUDIT_PAGE_SIZE = 30;
export const DELIVERIES_PAGE_SIZE = 50;
export const MAILS_PAGE_SIZE = 30;

/** Letters and digits a person reads without confusing them (no 0/O, 1/l/I). */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A password for a new account or a reset: 15 random characters from crypto's generator, in three groups (75 bits). */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 3; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

export const pageOf = (v: string): number => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
};

export const roleOf = (v: string): Role | null => ((ROLES as readonly string[]).includes(v) ? (v as Role) : null);

export interface UserFormValues {
  username: string;
  fullName: string;
  role: string;
  unitCode: string;
  /** 'tu-dong' (generated) or 'tu-dat' (typed by the admin). */
  passwordMode: string;
  password: string;
}

export function userFormValues(body: Record<string, unknown>): UserFormValues {
  return {
    username: formValue(body, 'username').trim().toLowerCase().slice(0, 64),
    fullName: formValue(body, 'fullName').trim().slice(0, 120),
    role: formValue(body, 'role'),
    unitCode: formValue(body, 'unitCode').trim().slice(0, 32),
    passwordMode: formValue(body, 'passwordMode') === 'tu-dat' ? 'tu-dat' : 'tu-dong',
    password: formValue(body, 'password').slice(0, 200),
  };
}

/** The form's own checks (the service checks the role and unit against the directory). */
export function userFormProblems(v: UserFormValues, creating: boolean): Record<string, string> {
  const fields: Record<string, string> = {};
  if (creating && !/^[a-z0-9._-]{3,64}$/.test(v.username)) fields.username = 'Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.';
  if (!roleOf(v.role)) fields.role = 'Hãy chọn vai trò.';
  if (v.role === 'unit_staff' && !v.unitCode) fields.unitCode = 'Cán bộ đơn vị phải thuộc một đơn vị.';
  if (v.unitCode && v.role !== 'unit_staff' && v.role !== 'leader') fields.unitCode = 'Chỉ cán bộ đơn vị và lãnh đạo mới gắn với đơn vị; hãy để trống.';
  if (v.passwordMode === 'tu-dat' && v.password.length < 8) fields.password = 'Mật khẩu phải dài ít nhất 8 ký tự.';
  return fields;
}

/** The addresses of a recipient list's text box: one a line (commas and semicolons also separate). */
export function parseEmails(text: string): { emails: string[]; bad: string[] } {
  const items = text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean);
  return { emails: items.filter((e) => isEmail(e)), bad: items.filter((e) => !isEmail(e)) };
}
