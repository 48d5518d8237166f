/** How the audit page names things: the kinds of subject, the actions, the fields, and a record's values. */

export const SUBJECT_LABELS: Record<string, string> = {
  user: 'Tài khoản',
  recipient_list: 'Danh sách nhận báo cáo',
  outbox_message: 'Tin gửi đi',
  unit: 'Đơn vị xử lý',
  category: 'Lĩnh vực',
  routing_rule: 'Quy tắc chuyển xử lý',
  calendar_day: 'Lịch làm việc',
  api_client: 'Ứng dụng kết nối (Open311)',
  published_answer: 'Hỏi đáp công khai',
  report_schedule: 'Lịch gửi báo cáo',
  reorganisation: 'Sắp xếp đơn vị hành chính',
};

const ACTION_VERBS: Record<string, string> = {
  create: 'Tạo mới',
  update: 'Sửa',
  deactivate: 'Ngừng hoạt động',
  activate: 'Mở lại',
  reset_password: 'Đặt lại mật khẩu',
  retry: 'Gửi lại',
  delete: 'Xóa',
  remove: 'Xóa',
  merge: 'Sáp nhập',
  rename: 'Đổi tên',
  set: 'Đặt',
  revoke: 'Thu hồi khóa',
  publish: 'Công bố',
  withdraw: 'Gỡ bài',
};

/** "user.deactivate" → "Ngừng hoạt động"; an action this page does not know shows as it is recorded. */
export function actionLabel(action: string): string {
  const verb = action.split('.').pop() ?? action;
  return ACTION_VERBS[verb] ?? action;
}

const FIELD_LABELS: Record<string, string> = {
  username: 'Tên đăng nhập',
  fullName: 'Họ tên',
  role: 'Vai trò',
  unitCode: 'Đơn vị',
  active: 'Đang hoạt động',
  passwordState: 'Mật khẩu',
  name: 'Tên',
  emails: 'Địa chỉ nhận',
  status: 'Trạng thái',
  channel: 'Kênh',
  to: 'Người nhận',
  subject: 'Tiêu đề / nội dung',
  attempts: 'Số lần đã thử',
  lastError: 'Lỗi gần nhất',
  code: 'Mã',
  level: 'Cấp',
  id: 'Mã số',
  displayName: 'Tên hiển thị',
  parentCode: 'Đơn vị cấp trên',
  areaCode: 'Địa bàn',
  categoryCode: 'Lĩnh vực',
  toCommuneCommittee: 'Chuyển UBND xã của phản ánh',
  mergedIntoCode: 'Sáp nhập vào',
  deadlineHours: 'Thời hạn (giờ)',
  deadlineMode: 'Cách tính hạn',
  urgent: 'Khẩn',
  date: 'Ngày',
  kind: 'Loại ngày',
  unit: 'Đơn vị',
  into: 'Đơn vị nhận',
};

const CHANNEL_NAMES: Record<string, string> = { email: 'Thư điện tử', zalo: 'Zalo', facebook: 'Facebook' };

const STATUS_LABELS: Record<string, string> = { pending: 'chờ gửi', sending: 'đang gửi', sent: 'đã gửi', failed: 'gửi lỗi', cancelled: 'đã hủy' };

function shown(key: string, v: unknown, roleLabel: (r: string) => string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'có' : 'không';
  if (key === 'role' && typeof v === 'string') return roleLabel(v);
  if (key === 'status' && typeof v === 'string') return STATUS_LABELS[v] ?? v;
  if (key === 'channel' && typeof v === 'string') return CHANNEL_NAMES[v] ?? v;
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '(trống)';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export interface AuditChangeRow {
  field: string;
  label: string;
  before: string;
  after: string;
  /** The value changed (false: shown for context, e.g. the recipient of a retried message). */
  changed: boolean;
}

/**
 * Before → after, field by field: every field that changed; for a record created or removed, every field it has; for
 * a change, the unchanged fields that name the subject (a message's recipient) after the changed ones.
 */
export function auditDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null, roleLabel: (r: string) => string): AuditChangeRow[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const rows = keys.map((k) => {
    const b = before ? before[k] : undefined;
    const a = after ? after[k] : undefined;
    return {
      field: k,
      label: FIELD_LABELS[k] ?? k,
      before: before ? shown(k, b, roleLabel) : '',
      after: after ? shown(k, a, roleLabel) : '',
      changed: JSON.stringify(b) !== JSON.stringify(a),
    };
  });
  if (!before || !after) return rows.filter((r) => (after ? r.after : r.before) !== '—');
  const context = new Set(['username', 'to', 'subject', 'channel', 'name']);
  return [...rows.filter((r) => r.changed), ...rows.filter((r) => !r.changed && context.has(r.field))];
}
