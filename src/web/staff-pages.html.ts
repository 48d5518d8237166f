import type { AuthUser } from '../common/auth-user.js';
import { displayName } from '../common/auth-user.js';
import { formatDateTimeVi, localDateTimeInput } from '../common/vn-time.js';
import type { Response } from 'express';
import { PAGE_HEADERS } from '../views/views.js';
import { CHANNEL_LABELS, REJECT_REASON_LABELS, STATUS_LABELS } from '../tickets/ticket-state.js';
import { REJECT_REASONS, STATUSES, type Channel } from '../tickets/ticket.entity.js';
import type { Role } from '../users/user.entity.js';
import { listHref, PAGE_SIZE, type FormValues, type ListFilter, type PageAction } from './staff-forms.js';
import { OVERDUE_PAGE_ROLES, type OverdueList, type TicketDetail, type TicketList, type TicketPage, type UnitChoice } from './staff-pages.service.js';
import { CSRF_FIELD } from './staff-session.js';

/**
 * The staff pages, rendered on the server in the house style of the citizen pages (pages.html.ts: its CSS and its
 * escaping): plain HTML forms that work without JavaScript, one column on a phone, every value escaped, no script.
 */

/** Who is signed in, for the header (and the CSRF token of its sign-out form). */
export interface NavModel {
  user: AuthUser;
  csrf: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML element content and quoted attribute values (until these pages move to templates). */
const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

export interface PageContext {
  province: string;
}

/** Sends a staff page with the view layer's headers. */
export function sendPage(res: Response, province: string, status: number, render: (ctx: PageContext) => string): void {
  res.status(status).set(PAGE_HEADERS).send(render({ province }));
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Quản trị hệ thống',
  coordinator: 'Điều phối viên',
  operator: 'Tổng đài viên',
  unit_staff: 'Cán bộ đơn vị',
  leader: 'Lãnh đạo',
};

const when = (iso: string | Date | null | undefined) => (iso ? formatDateTimeVi(new Date(iso)) : '');
const csrfInput = (csrf: string) => `<input type="hidden" name="${CSRF_FIELD}" value="${esc(csrf)}">`;
const ticketHref = (code: string) => `/tickets/${encodeURIComponent(code)}`;
/** An instant as the value of an `<input type="datetime-local">` in Viet Nam time: "2026-03-05T09:00". */
const localInput = (iso: string | Date | null | undefined) => (iso ? localDateTimeInput(new Date(iso)) : '');
const excerpt = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function staffLayout(ctx: PageContext, title: string, body: string, nav: NavModel | null): string {
  const menu = nav
    ? `<nav><a href="/tickets">Phản ánh</a>${OVERDUE_PAGE_ROLES.includes(nav.user.role) ? '<a href="/tre-han">Trễ hạn</a>' : ''}
<span class="who" id="nguoi-dung">${esc(displayName(nav.user))} · ${esc(ROLE_LABELS[nav.user.role])}</span>
<form method="post" action="/dang-xuat">${csrfInput(nav.csrf)}<button type="submit" class="link">Đăng xuất</button></form></nav>`
    : '';
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)} — Tổng đài 1022</title>
<link rel="stylesheet" href="/static/css/base.css">
<link rel="stylesheet" href="/static/css/staff.css">
</head>
<body>
<header class="top">
<a class="brand" href="/tickets">Tổng đài 1022 ${esc(ctx.province)}</a>
<span class="sub">Trang dành cho cán bộ xử lý phản ánh</span>
${menu}
</header>
<main>
${body}
</main>
</body>
</html>
`;
}

// ——— login ———

export interface LoginModel {
  next: string;
  username?: string;
  error?: string;
}

export function loginPage(ctx: PageContext, m: LoginModel): string {
  const body = `<h1>Đăng nhập</h1>
${m.error ? `<div class="summary" role="alert" id="loi">${esc(m.error)}</div>` : ''}
<form class="card" method="post" action="/dang-nhap" accept-charset="utf-8">
<input type="hidden" name="next" value="${esc(m.next)}">
<div class="field"><label for="username">Tên đăng nhập</label>
<input type="text" id="username" name="username" value="${esc(m.username)}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64" required></div>
<div class="field"><label for="password">Mật khẩu</label>
<input type="password" id="password" name="password" autocomplete="current-password" maxlength="200" required></div>
<button type="submit">Đăng nhập</button>
</form>`;
  return staffLayout(ctx, 'Đăng nhập', body, null);
}

// ——— messages (not found, forbidden, errors) ———

export function staffMessagePage(ctx: PageContext, nav: NavModel | null, title: string, message: string): string {
  const body = `<h1>${esc(title)}</h1>
<div class="card" role="alert"><p id="thong-bao">${esc(message)}</p>
<p><a href="/tickets">Về danh sách phản ánh</a></p></div>`;
  return staffLayout(ctx, title, body, nav);
}

// ——— the list ———

export interface ListModel {
  filter: ListFilter;
  result: TicketList;
  flash?: string;
}

const lateBadge = '<span class="badge late">Trễ hạn</span>';

export function ticketListPage(ctx: PageContext, nav: NavModel, m: ListModel): string {
  const { filter: f, result: r } = m;
  const statusOptions = STATUSES.map((s) => `<option value="${s}"${s === f.status ? ' selected' : ''}>${esc(STATUS_LABELS[s])}</option>`).join('');
  const items = r.items.map((t) => {
    const meta = [
      t.assignedUnit ? esc(t.assignedUnit.name) : 'Chưa phân công',
      t.category ? esc(t.category.name) : 'Chưa phân loại',
      `Tiếp nhận ${esc(when(t.receivedAt))}`,
      t.dueAt ? `Hạn ${esc(when(t.dueAt))}` : '',
    ].filter(Boolean).join(' · ');
    return `<li${t.overdue ? ' class="late"' : ''} data-code="${esc(t.code)}">
<a class="tcode" href="${ticketHref(t.code)}">${esc(t.code)}</a> <span class="badge">${esc(t.statusLabel)}</span>${t.overdue ? ` ${lateBadge}` : ''}
<div class="meta">${meta}</div>
<div class="meta">${esc(t.reporterName)}${t.area ? ` · ${esc(t.area.name)}` : ''}</div>
<p class="excerpt">${esc(excerpt(t.content))}</p>
</li>`;
  }).join('\n');
  // past the count's cap the number of pages is not known: the next page is offered while pages are full
  const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
  const hasNext = f.page < pages || (!r.totalExact && r.items.length === PAGE_SIZE);
  const pager = pages > 1 || f.page > 1
    ? `<nav class="pager" aria-label="Phân trang">
<span>${f.page > 1 ? `<a href="${esc(listHref(f, r.totalExact ? Math.min(f.page - 1, pages) : f.page - 1))}" rel="prev" id="trang-truoc">← Trang trước</a>` : ''}</span>
<span id="so-trang">${r.totalExact ? `Trang ${f.page}/${pages}` : `Trang ${f.page}`}</span>
<span>${hasNext ? `<a href="${esc(listHref(f, f.page + 1))}" rel="next" id="trang-sau">Trang sau →</a>` : ''}</span>
</nav>`
    : '';
  const filtered = f.q || f.status || f.overdue;
  const body = `<h1>Danh sách phản ánh</h1>
${m.flash ? `<div class="ok" role="status" id="thong-bao">${esc(m.flash)}</div>` : ''}
<form class="card filters" method="get" action="/tickets" role="search">
<div class="row">
<div class="field"><label for="q">Tìm kiếm <span class="hint">(mã, người phản ánh, số điện thoại, địa chỉ, nội dung)</span></label>
<input type="search" id="q" name="q" value="${esc(f.q)}" maxlength="200"></div>
<div class="field"><label for="status">Trạng thái</label>
<select id="status" name="status"><option value="">Tất cả trạng thái</option>${statusOptions}</select></div>
</div>
<div class="field check"><input type="checkbox" id="overdue" name="overdue" value="true"${f.overdue ? ' checked' : ''}> <label for="overdue">Chỉ phản ánh trễ hạn</label></div>
<button type="submit">Lọc</button>${filtered ? ' <a href="/tickets">Bỏ lọc</a>' : ''}
</form>
<p id="tong-so">${r.total ? `Có ${r.totalExact ? '' : 'hơn '}${r.total} phản ánh${filtered ? ' phù hợp' : ''}.` : `Không có phản ánh nào${filtered ? ' phù hợp' : ''}.`}</p>
${items ? `<ul class="tickets" id="danh-sach">\n${items}\n</ul>` : ''}
${pager}`;
  return staffLayout(ctx, 'Danh sách phản ánh', body, nav);
}

// ——— one ticket ———

/** "2 giờ 15 phút", "45 phút", "3 giờ". */
export function formatMinutes(total: number): string {
  const mins = Math.abs(Math.round(total));
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  if (h && m) return `${h} giờ ${m} phút`;
  return h ? `${h} giờ` : `${m} phút`;
}

type EventItem = TicketDetail['events'][number];

/** What happened, for staff (every event, with the unit names). */
export function eventLabel(e: EventItem): string {
  const to = e.toUnit?.name;
  const from = e.fromUnit?.name;
  const data = (e.data ?? {}) as Record<string, unknown>;
  switch (e.type) {
    case 'created': {
      const channel = CHANNEL_LABELS[data.channel as Channel];
      return `Tiếp nhận phản ánh${channel ? ` qua ${channel}` : ''}${to ? `, chuyển đến ${to}` : ', chờ phân công'}`;
    }
    case 'imported': return 'Nhập từ dữ liệu của hệ thống cũ';
    case 'assigned': return `Phân công cho ${to ?? 'đơn vị xử lý'}`;
    case 'transferred': return `Chuyển${from ? ` từ ${from}` : ''} sang ${to ?? 'đơn vị khác'}`;
    case 'unit_merged': return `Chuyển sang ${to ?? 'đơn vị mới'} do sắp xếp lại đơn vị`;
    case 'accepted': return `${to ?? 'Đơn vị'} tiếp nhận xử lý`;
    case 'returned': return `${from ?? 'Đơn vị'} trả lại điều phối viên`;
    case 'resolved': return 'Báo cáo kết quả xử lý';
    case 'closed': return 'Kết thúc phản ánh';
    case 'rejected': {
      const reason = REJECT_REASON_LABELS[data.reason as keyof typeof REJECT_REASON_LABELS];
      return `Từ chối xử lý${reason ? `: ${reason.toLowerCase()}` : ''}${data.duplicateOf ? ` (${String(data.duplicateOf)})` : ''}`;
    }
    case 'reopened': return 'Mở lại phản ánh';
    case 'overdue': return 'Trễ hạn xử lý';
    case 'deadline_extended': return `Gia hạn xử lý${typeof data.dueAt === 'string' ? ` đến ${when(data.dueAt)}` : ''}`;
    case 'citizen_message': return 'Người dân gửi bổ sung thông tin';
    case 'comment': return e.internal ? 'Ý kiến nội bộ' : 'Thông báo cho người dân';
    case 'reply_not_sent': return 'Không gửi được trả lời cho người dân';
    default: return e.type;
  }
}

export interface TicketPageModel extends TicketPage {
  nav: NavModel;
  flash?: string;
  /**
   * After a refused form: the sentence, the reasons (as a list, and per field to show next to it), and the form's
   * values to fill it again.
   */
  error?: { message: string; problems: string[]; fields?: Record<string, string>; action: PageAction; values: FormValues };
}

const ACTION_TITLES: Record<PageAction, string> = {
  assign: 'Phân công đơn vị xử lý',
  accept: 'Tiếp nhận xử lý',
  return: 'Trả lại điều phối viên',
  resolve: 'Báo cáo kết quả xử lý',
  close: 'Kết thúc phản ánh',
  reject: 'Từ chối xử lý',
  reopen: 'Mở lại phản ánh',
  extend: 'Gia hạn xử lý',
  comment: 'Ghi ý kiến',
};

const ACTION_BUTTONS: Record<PageAction, string> = {
  assign: 'Phân công',
  accept: 'Tiếp nhận',
  return: 'Trả lại',
  resolve: 'Báo cáo kết quả',
  close: 'Kết thúc',
  reject: 'Từ chối',
  reopen: 'Mở lại',
  extend: 'Gia hạn',
  comment: 'Ghi ý kiến',
};

/** The forms on the page: the actions available now, then the comment box. */
function actionForms(m: TicketPageModel): string {
  const t = m.ticket;
  const kept = (action: PageAction, field: string) => (m.error?.action === action ? m.error.values[field] ?? '' : '');
  const id = (action: PageAction, field: string) => `${action}-${field}`;
  const label = (action: PageAction, field: string, text: string, hint = '') =>
    `<label for="${id(action, field)}">${esc(text)}${hint ? ` <span class="hint">${esc(hint)}</span>` : ''}</label>`;
  // the reason a refused form gives for this field, right under it and tied to it for screen readers
  const problem = (action: PageAction, field: string) => (m.error?.action === action ? m.error.fields?.[field] : undefined);
  const invalid = (action: PageAction, field: string) =>
    (problem(action, field) ? ` aria-invalid="true" aria-describedby="${id(action, field)}-loi"` : '');
  const fieldError = (action: PageAction, field: string) => {
    const p = problem(action, field);
    return p ? `\n<p class="error" id="${id(action, field)}-loi">${esc(p)}</p>` : '';
  };
  const textarea = (action: PageAction, field: string, text: string, o: { required?: boolean; hint?: string; max: number; rows?: number }) =>
    `<div class="field">${label(action, field, text, o.hint)}
<textarea id="${id(action, field)}"${invalid(action, field)} name="${field}" rows="${o.rows ?? 3}" maxlength="${o.max}"${o.required ? ' required' : ''}>${esc(kept(action, field))}</textarea>${fieldError(action, field)}</div>`;
  const note = (action: PageAction) => textarea(action, 'note', 'Ghi chú', { hint: '(không bắt buộc)', max: 2000, rows: 2 });

  const inner: Record<PageAction, () => string> = {
    assign: () => {
      const chosen = kept('assign', 'unitCode');
      const group = (level: string, title: string) => {
        const units = m.units.filter((u: UnitChoice) => u.level === level);
        return units.length
          ? `<optgroup label="${esc(title)}">${units.map((u) => `<option value="${esc(u.code)}"${u.code === chosen ? ' selected' : ''}>${esc(u.displayName)}</option>`).join('')}</optgroup>`
          : '';
      };
      return `<div class="field">${label('assign', 'unitCode', 'Đơn vị xử lý')}
<select id="assign-unitCode" name="unitCode"><option value="">— Theo quy tắc phân công tự động —</option>
${group('province', 'Cấp tỉnh')}${group('district', 'Cấp huyện')}${group('commune', 'Cấp xã')}</select></div>
${note('assign')}`;
    },
    accept: () => note('accept'),
    return: () => textarea('return', 'reason', 'Lý do trả lại', { required: true, hint: '(ví dụ: không thuộc thẩm quyền của đơn vị)', max: 2000 }),
    resolve: () => textarea('resolve', 'resolution', 'Kết quả xử lý', { required: true, hint: '(được gửi cho người dân)', max: 10000, rows: 5 }),
    close: () => note('close'),
    reject: () => {
      const chosen = kept('reject', 'reason');
      return `<div class="field">${label('reject', 'reason', 'Lý do từ chối')}
<select id="reject-reason" name="reason">${REJECT_REASONS.map((r) => `<option value="${r}"${r === chosen ? ' selected' : ''}>${esc(REJECT_REASON_LABELS[r])}</option>`).join('')}</select></div>
<div class="field">${label('reject', 'duplicateOf', 'Mã phản ánh trùng', '(chỉ khi trùng với phản ánh khác)')}
<input type="text" id="reject-duplicateOf" name="duplicateOf" value="${esc(kept('reject', 'duplicateOf'))}" maxlength="40" autocapitalize="characters" autocomplete="off"></div>
${note('reject')}`;
    },
    reopen: () => textarea('reopen', 'reason', 'Lý do mở lại', { required: true, max: 2000 }),
    // prefilled with the current deadline, in Viet Nam time as the service reads a time without an offset
    extend: () => `<div class="field">${label('extend', 'dueAt', 'Hạn xử lý mới', '(giờ Việt Nam)')}
<input type="datetime-local" id="extend-dueAt" name="dueAt" value="${esc(m.error?.action === 'extend' ? kept('extend', 'dueAt') : localInput(t.dueAt))}" required${invalid('extend', 'dueAt')}>${fieldError('extend', 'dueAt')}</div>
${textarea('extend', 'reason', 'Lý do gia hạn', { required: true, max: 2000 })}`,
    comment: () => `${textarea('comment', 'text', 'Nội dung ý kiến', { required: true, max: 5000 })}
<div class="field check"><input type="checkbox" id="comment-public" name="public" value="on"${kept('comment', 'public') === 'on' ? ' checked' : ''}> <label for="comment-public">Thông báo cho người dân (hiện trên trang tra cứu); để trống là ý kiến nội bộ</label></div>`,
  };
  const form = (action: PageAction) => {
    const title = action === 'assign' && t.status !== 'received' ? 'Chuyển đơn vị xử lý' : ACTION_TITLES[action];
    const button = action === 'assign' && t.status !== 'received' ? 'Chuyển đơn vị' : ACTION_BUTTONS[action];
    return `<form class="card action" id="form-${action}" method="post" action="${ticketHref(t.code)}/${action}" accept-charset="utf-8">
<h3>${esc(title)}</h3>
${csrfInput(m.nav.csrf)}${action === 'comment' ? '' : `<input type="hidden" name="version" value="${t.version}">`}
${inner[action]()}
<button type="submit">${esc(button)}</button>
</form>`;
  };
  return [...m.actions, ...(m.canExtend ? ['extend' as const] : []), 'comment' as const].map(form).join('\n');
}

function deadlineText(m: TicketPageModel): string {
  const t = m.ticket;
  if (!t.dueAt) return 'Chưa có hạn';
  const due = esc(when(t.dueAt));
  if (m.minutesLeft === null) return due;
  // working-time deadlines count office hours; urgent matters count around the clock
  const kind = m.deadlineMode === 'clock' ? 'theo giờ liên tục' : 'làm việc';
  if (t.overdue) {
    return `${due} — ${lateBadge}${m.minutesLeft < 0 ? ` đã quá hạn ${esc(formatMinutes(m.minutesLeft))} ${kind}` : ''}`;
  }
  return `${due} — còn ${esc(formatMinutes(m.minutesLeft))} ${kind}`;
}

export function ticketPage(ctx: PageContext, m: TicketPageModel): string {
  const t = m.ticket;
  const fact = (id: string, term: string, value: string) => `<dt>${esc(term)}</dt><dd id="${id}">${value}</dd>`;
  const area = t.area ? `${t.area.name}${t.area.districtName ? `, ${t.area.districtName}` : ''}` : '';
  const phone = t.reporterPhoneNational;
  const facts = [
    fact('trang-thai', 'Trạng thái', `<span class="badge">${esc(t.statusLabel)}</span>${t.overdue ? ` ${lateBadge}` : ''}`),
    fact('don-vi', 'Đơn vị xử lý', t.assignedUnit ? esc(t.assignedUnit.name) : 'Chưa phân công'),
    fact('linh-vuc', 'Lĩnh vực', t.category ? esc(t.category.name) : 'Chưa phân loại'),
    fact('dia-ban', 'Địa bàn', area ? esc(area) : 'Chưa xác định'),
    t.address ? fact('dia-chi', 'Địa chỉ', esc(t.address)) : '',
    fact('kenh', 'Kênh tiếp nhận', esc(t.channelLabel)),
    fact('nguoi-phan-anh', 'Người phản ánh', esc(t.reporterName)),
    phone ? fact('so-dien-thoai', 'Số điện thoại', `<a href="tel:${esc(phone)}">${esc(phone)}</a>`) : '',
    t.reporterEmail ? fact('email', 'Email', esc(t.reporterEmail)) : '',
    fact('tiep-nhan', 'Tiếp nhận lúc', esc(when(t.receivedAt))),
    fact('han-xu-ly', 'Hạn xử lý', deadlineText(m)),
    t.urgent ? fact('khan', 'Mức độ', 'Khẩn') : '',
    t.rejectReason ? fact('ly-do-tu-choi', 'Lý do từ chối', esc(REJECT_REASON_LABELS[t.rejectReason as keyof typeof REJECT_REASON_LABELS] ?? t.rejectReason)) : '',
    t.duplicateOf ? fact('trung-voi', 'Trùng với', `<a href="${ticketHref(t.duplicateOf)}">${esc(t.duplicateOf)}</a>`) : '',
  ].filter(Boolean).join('\n');
  const events = t.events.map((e) => {
    const who = e.actor ? ` · ${esc(e.actor)}` : '';
    return `<li${e.internal ? ' class="internal"' : ''} data-type="${esc(e.type)}"><span class="time">${esc(when(e.at))}${who}</span>`
      + `<strong>${esc(eventLabel(e))}</strong>${e.internal ? ' <span class="badge internal">Nội bộ</span>' : ''}`
      + `${e.note ? `<div class="note">${esc(e.note)}</div>` : ''}</li>`;
  }).join('\n');
  const duplicates = t.likelyDuplicates.length
    ? `<div class="notice" id="co-the-trung">Có thể trùng với: ${t.likelyDuplicates.map((d) =>
      `<a href="${ticketHref(d.code)}">${esc(d.code)}</a> (${d.reason === 'same_phone' ? 'cùng số điện thoại' : 'nội dung tương tự'})`).join(', ')}</div>`
    : '';
  const error = m.error
    ? `<div class="summary" role="alert" id="loi"><p>${esc(m.error.message)}</p>${m.error.problems.length ? `<ul>${m.error.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}</div>`
    : '';
  const body = `<p><a href="/tickets">← Danh sách phản ánh</a></p>
<h1>Phản ánh ${esc(t.code)}</h1>
${m.flash ? `<div class="ok" role="status" id="thong-bao">${esc(m.flash)}</div>` : ''}
${error}
<div class="card">
<dl class="facts">
${facts}
</dl>
<h2>Nội dung phản ánh</h2>
<div class="content" id="noi-dung">${esc(t.content)}</div>
${t.resolution ? `<h2>Kết quả xử lý</h2>\n<div class="answer" id="ket-qua">${esc(t.resolution)}</div>` : ''}
</div>
${duplicates}
<h2>Xử lý phản ánh</h2>
${actionForms(m)}
<h2>Quá trình xử lý</h2>
<div class="card">
<ol class="timeline" id="qua-trinh">
${events}
</ol>
</div>`;
  return staffLayout(ctx, `Phản ánh ${t.code}`, body, m.nav);
}

// ——— overdue, per unit ———

/** `unit`: the list narrowed to that unit (?don-vi=), paged through with a pager. */
export function overduePage(ctx: PageContext, nav: NavModel, list: OverdueList, unit?: string): string {
  const unitHref = (code: string, page: number) => `/tre-han?don-vi=${encodeURIComponent(code || 'none')}&trang=${page}`;
  const single = unit !== undefined && list.units.length === 1 ? list.units[0] : null;
  const sections = list.units.map((g) => {
    const items = g.tickets.map((tk) =>
      `<li class="late"><a class="tcode" href="${ticketHref(tk.code)}">${esc(tk.code)}</a> <span class="badge">${esc(STATUS_LABELS[tk.status as keyof typeof STATUS_LABELS] ?? tk.status)}</span>
<div class="meta">Tiếp nhận ${esc(when(tk.receivedAt))} · Hạn ${esc(when(tk.dueAt))} · ${tk.daysLate >= 1 ? `trễ ${tk.daysLate} ngày` : 'trễ dưới 1 ngày'}</div></li>`).join('\n');
    // a unit with more late tickets than a page shows its oldest and a link to page through the rest
    const code = g.unit?.code ?? '';
    const first = (list.page - 1) * list.pageSize;
    const more = !single && g.count > first + g.tickets.length
      ? `<p class="more"><a href="${esc(unitHref(code, list.page + 1))}">Xem tiếp ${g.count - first - g.tickets.length} phản ánh trễ hạn khác của đơn vị</a></p>` : '';
    return `<section class="card unit" data-unit="${esc(code)}">
<h2>${g.unit ? esc(g.unit.name) : 'Chưa phân công đơn vị'} <span class="badge late">${g.count}</span></h2>
<ul class="tickets">
${items}
</ul>
${more}</section>`;
  }).join('\n');
  let pager = '';
  if (unit !== undefined) {
    pager = '<p><a href="/tre-han">← Tất cả đơn vị</a></p>';
  }
  if (single) {
    const pages = Math.max(1, Math.ceil(single.count / list.pageSize));
    const code = single.unit?.code ?? '';
    pager = `<nav class="pager" aria-label="Phân trang">
<span>${list.page > 1 ? `<a href="${esc(unitHref(code, Math.min(list.page - 1, pages)))}" rel="prev" id="trang-truoc">← Trang trước</a>` : ''}</span>
<span id="so-trang">Trang ${list.page}/${pages}</span>
<span>${list.page < pages ? `<a href="${esc(unitHref(code, list.page + 1))}" rel="next" id="trang-sau">Trang sau →</a>` : ''}</span>
</nav>
<p><a href="/tre-han">← Tất cả đơn vị</a></p>`;
  }
  const body = `<h1>Phản ánh trễ hạn theo đơn vị</h1>
<p id="tong-so">Tính đến ${esc(when(list.at))}: ${list.total ? `${list.total} phản ánh trễ hạn ở ${list.units.length} đơn vị.` : 'không có phản ánh nào trễ hạn.'}</p>
${sections}
${pager}`;
  return staffLayout(ctx, 'Phản ánh trễ hạn', body, nav);
}

// ——— after a form ———

/** The sentence shown after an action succeeded (Post/Redirect/Get carries the action's name). */
export function flashFor(action: string, code?: string): string | undefined {
  const done: Partial<Record<PageAction, string>> = {
    assign: 'Đã phân công phản ánh.',
    accept: 'Đã tiếp nhận phản ánh.',
    return: code ? `Đã trả lại phản ánh ${code} cho điều phối viên.` : 'Đã trả lại phản ánh cho điều phối viên.',
    resolve: 'Đã báo cáo kết quả xử lý.',
    close: 'Đã kết thúc phản ánh.',
    reject: 'Đã từ chối phản ánh.',
    reopen: 'Đã mở lại phản ánh.',
    extend: 'Đã gia hạn xử lý phản ánh.',
    comment: 'Đã ghi ý kiến.',
  };
  return done[action as PageAction];
}

