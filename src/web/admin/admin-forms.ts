import { AppError } from '../../common/errors.js';
import { formValue } from '../../intake/public/web-form.js';
import { checked, formRefusal, type Refusal } from '../page-forms.js';
export { checked };

/** The administration's pages and where each one lives (the index lists them in this order). */
export const ADMIN_PAGES = [
  { href: '/quan-tri/don-vi', label: 'Đơn vị xử lý', text: 'Cây đơn vị cấp tỉnh, huyện, xã: thêm, đổi tên, cấp trên, địa bàn, thư nhận thông báo, ngừng hoạt động, sáp nhập.' },
  { href: '/quan-tri/linh-vuc', label: 'Lĩnh vực', text: 'Tên lĩnh vực, thời hạn xử lý theo giờ làm việc hoặc giờ liên tục, lĩnh vực khẩn cấp.' },
  { href: '/quan-tri/phan-cong', label: 'Quy tắc phân công', text: 'Lĩnh vực nào, địa bàn nào giao cho đơn vị nào; thử xem một phản ánh sẽ được giao cho ai.' },
  { href: '/quan-tri/lich', label: 'Lịch nghỉ, làm bù', text: 'Ngày nghỉ lễ, ngày làm bù trong năm; thời hạn xử lý tính theo lịch này.' },
  { href: '/quan-tri/tai-khoan', label: 'Tài khoản', text: 'Tài khoản cán bộ: vai trò, đơn vị, khóa và mở khóa, đặt lại mật khẩu.' },
  { href: '/quan-tri/nguoi-nhan', label: 'Người nhận báo cáo', text: 'Địa chỉ thư của lãnh đạo và điều phối viên nhận báo cáo, thông báo.' },
  { href: '/quan-tri/gui-tin', label: 'Gửi thư và kênh', text: 'Thư, tin nhắn đã gửi và chưa gửi được; gửi lại; tình trạng các kênh.' },
  { href: '/quan-tri/ung-dung', label: 'Ứng dụng kết nối (Open311)', text: 'Ứng dụng bên ngoài được gửi và theo dõi phản ánh qua giao diện Open311.' },
  { href: '/quan-tri/nhat-ky', label: 'Nhật ký thay đổi', text: 'Ai đã thay đổi gì, khi nào, trước và sau khi thay đổi.' },
  { href: '/quan-tri/thu', label: 'Thư đã giữ lại', text: 'Thư hệ thống gửi đi, được giữ lại khi chưa cấu hình máy chủ thư (SMTP): xem đúng như người nhận sẽ nhận.' },
] as const;

/** The name of each field for a person, in the list of reasons above a refused form. */
export const ADMIN_FIELD_LABELS: Record<string, string> = {
  code: 'Mã',
  name: 'Tên',
  level: 'Cấp',
  parentCode: 'Đơn vị cấp trên',
  areaCode: 'Địa bàn',
  intoCode: 'Đơn vị tiếp nhận',
  emails: 'Địa chỉ thư',
  deadlineHours: 'Thời hạn (giờ)',
  deadlineMode: 'Cách tính thời hạn',
  urgent: 'Khẩn cấp',
  categoryCode: 'Lĩnh vực',
  unitCode: 'Đơn vị xử lý',
  target: 'Giao cho',
  date: 'Ngày',
  kind: 'Loại ngày',
  note: 'Ghi chú',
};

export type { Refusal } from '../page-forms.js';

export function refusalOf(e: AppError): Refusal {
  return formRefusal(e, ADMIN_FIELD_LABELS, { validation: 'Chưa lưu được: vui lòng kiểm tra lại thông tin đã nhập.' });
}

/** A refusal the page can show (a 4xx other than 404); anything else goes to the error page. */
export const isFormRefusal = (e: unknown): e is AppError => e instanceof AppError && e.status >= 400 && e.status < 500 && e.status !== 404 && e.status !== 403;


/** The text fields of a form, trimmed to at most `max` characters each (kept to fill the form again after a refusal). */
export function formFields<K extends string>(body: Record<string, unknown> | undefined, names: readonly K[], max = 300): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const n of names) out[n] = formValue(body, n).slice(0, max);
  return out;
}

/** A date typed as dd/mm/yyyy (also d/m/yyyy, with - or . between) → YYYY-MM-DD; null when it is no real date. */
export function parseViDate(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** YYYY-MM-DD → dd/mm/yyyy. */
export const viDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** A unit code from an address or a form ('' when it cannot be one). */
export const unitCodeOf = (v: string) => (/^[A-Za-z0-9._-]{1,32}$/.test(v) ? v : '');

/** A year from the address: this one when it makes no sense. */
export function yearOf(v: string, current: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 2000 && n <= 2200 ? n : current;
}
