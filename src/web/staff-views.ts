import { formatDateTimeVi } from '../common/vn-time.js';
import { CHANNEL_LABELS, isChatChannel } from '../tickets/channels.js';
import { REJECT_REASON_LABELS, STATUS_LABELS } from '../tickets/ticket-state.js';
import { REJECT_REASONS, STATUSES, type Channel } from '../tickets/ticket.entity.js';
import { isDated, isFiltered, listHref, PAGE_SIZE, type FormValues, type ListRequest, type PageAction } from './staff-forms.js';
import { staffNav, type CountKey } from './staff-nav.js';
import type { ListPage, OverdueList, TicketDetail, TicketPage } from './staff-pages.service.js';
import type { StaffSession } from './staff-session.js';

/**
 * The view models of the staff pages (templates under src/views/templates/staff/): plain data, every sentence in
 * Vietnamese, no HTML (the templates escape everything they print).
 */

type Counts = Partial<Record<CountKey, number>>;

const when = (iso: string | Date | null | undefined) => (iso ? formatDateTimeVi(new Date(iso)) : '');
export const ticketHref = (code: string) => `/tickets/${encodeURIComponent(code)}`;
/** Where the staff pages serve an attachment (the page session; the API has its own address). */
export const attachmentHref = (code: string, id: string) => `${ticketHref(code)}/tep-dinh-kem/${encodeURIComponent(id)}`;

// ——— messages (not found, forbidden, errors) ———

export function messageView(session: StaffSession | null, path: string, title: string, message: string, counts: Counts = {}) {
  return { title, message, ...(session ? { nav: staffNav(session, path, counts) } : { staffHeader: true }) };
}

// ——— the list ———

const CHANNEL_OPTIONS = (Object.keys(CHANNEL_LABELS) as Channel[]).map((c) => ({ value: c, label: CHANNEL_LABELS[c] }));
const STATUS_OPTIONS = STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));

export function listView(session: StaffSession, counts: Counts, request: ListRequest, page: ListPage, flash?: string) {
  const { filter: f, errors } = request;
  const { result: r, choices } = page;
  const filtered = isFiltered(f);
  const role = session.user.role;
  const communeNames = new Map(choices.districts.flatMap((d) => d.communes.map((c) => [c.code, c.name] as const)));
  const rows = r.items.map((t) => {
    const left = page.timeLeft.get(t.code);
    return {
      code: t.code,
      href: ticketHref(t.code),
      receivedAt: t.receivedAt,
      deadline: { dueAt: t.dueAt, minutesLeft: left?.minutesLeft ?? null, mode: left?.mode ?? 'working', overdue: t.overdue },
      late: t.overdue,
      soon: t.dueSoon,
      statusLabel: t.statusLabel,
      category: t.category?.name ?? 'Chưa phân loại',
      commune: t.area ? communeNames.get(t.area.code) ?? t.area.name : 'Chưa xác định',
      district: t.area?.districtName ?? '',
      unit: t.assignedUnit?.name ?? 'Chưa phân công',
      reporterName: t.reporterName,
      content: t.content,
    };
  });
  // past the count's cap the number of pages is not known: the next page is offered while pages are full
  const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
  const hasNext = f.page < pages || (!r.totalExact && r.items.length === PAGE_SIZE);
  const lateCount = rows.filter((x) => x.late).length;
  return {
    title: role === 'unit_staff' ? 'Phản ánh của đơn vị' : 'Danh sách phản ánh',
    nav: staffNav(session, '/tickets', counts),
    wide: true,
    flash,
    filter: f,
    errors,
    errorList: Object.entries(errors).map(([field, reason]) => `${field === 'from' ? 'Từ ngày' : 'Đến ngày'}: ${reason}`),
    filtered,
    options: { statuses: STATUS_OPTIONS, channels: CHANNEL_OPTIONS, categories: choices.categories, districts: choices.districts, units: choices.units },
    showUnitFilter: choices.units.length > 1,
    showUnit: role !== 'unit_staff',
    liveList: role === 'unit_staff' ? 'unit' : null,
    summary: r.total
      ? `Có ${r.totalExact ? '' : 'hơn '}${r.total} phản ánh${filtered ? ' phù hợp' : ''}.`
      : `Không có phản ánh nào${filtered ? ' phù hợp' : ''}.`,
    lateNote: lateCount ? `${lateCount} phản ánh trễ hạn trên trang này.` : '',
    rows,
    pager: {
      page: f.page,
      pages: r.totalExact ? pages : null,
      prevHref: f.page > 1 ? listHref(f, r.totalExact ? Math.min(f.page - 1, pages) : f.page - 1) : null,
      nextHref: hasNext ? listHref(f, f.page + 1) : null,
    },
  };
}

// ——— one ticket ———

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
    case 'deadline_extended': return `Gia hạn xử lý${typeof data.dueAt === 'string' ? ` đến ${when(data.dueAt)}` : ''}${data.requestId ? ' (theo đề nghị của đơn vị)' : ''}`;
    case 'citizen_feedback': return data.settled === false
      ? `Người dân báo chưa được giải quyết (${String(data.rating)} sao)` : `Người dân đánh giá đã được giải quyết (${String(data.rating)} sao)`;
    case 'dispute_explained': return 'Trả lời ý kiến chưa hài lòng của người dân';
    case 'extension_requested': return `Đơn vị đề nghị gia hạn${typeof data.requestedDueAt === 'string' ? ` đến ${when(data.requestedDueAt)}` : ''}`;
    case 'extension_declined': return `Không chấp thuận đề nghị gia hạn${typeof data.requestedDueAt === 'string' ? ` đến ${when(data.requestedDueAt)}` : ''}`;
    case 'citizen_message': return 'Người dân gửi bổ sung thông tin';
    case 'comment': return e.internal ? 'Ý kiến nội bộ' : 'Thông báo cho người dân';
    case 'reply_not_sent': return 'Không gửi được trả lời cho người dân';
    default: return e.type;
  }
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
  request_extension: 'Đề nghị gia hạn xử lý',
  approve_extension: 'Chấp thuận đề nghị gia hạn',
  decline_extension: 'Không chấp thuận đề nghị gia hạn',
  record_feedback: 'Ghi nhận đánh giá của người dân',
  explain_dispute: 'Trả lời người dân và kết thúc',
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
  request_extension: 'Gửi đề nghị gia hạn',
  approve_extension: 'Chấp thuận',
  decline_extension: 'Không chấp thuận',
  record_feedback: 'Ghi nhận đánh giá',
  explain_dispute: 'Gửi trả lời và kết thúc',
  comment: 'Ghi ý kiến',
};

/** After a refused form: the sentence, the reasons (as a list, and per field), and the form's values to fill it again. */
export interface FormError {
  message: string;
  problems: string[];
  fields?: Record<string, string>;
  action: PageAction;
  values: FormValues;
}

/** Events that carry what the coordinator asked of the unit, or why the unit gave the ticket back. */
const INSTRUCTION_EVENTS = ['assigned', 'transferred', 'reopened', 'returned'];

/**
 * The sentence to read before anything else: why the unit gave the ticket back, or the latest instruction that came
 * with an assignment, a transfer or a reopening (the latest of them that has a note).
 */
function instructionOf(events: EventItem[]) {
  const e = [...events].reverse().find((x) => INSTRUCTION_EVENTS.includes(x.type) && x.note?.trim());
  if (!e) return null;
  const heading = e.type === 'returned'
    ? `Lý do ${e.fromUnit?.name ?? 'đơn vị'} trả lại phản ánh`
    : e.type === 'reopened' ? 'Lý do mở lại phản ánh' : 'Chỉ đạo xử lý';
  return { returned: e.type === 'returned', heading, at: e.at, actor: e.actor, note: e.note };
}

const IMAGE_TYPES = /^image\/(jpeg|png|webp|gif)$/;

const sizeText = (n: number | null) => {
  if (n === null) return '';
  if (n < 1024) return `${n} byte`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
};

const KIND_LABELS: Record<string, string> = {
  image: 'Ảnh', photo: 'Ảnh', video: 'Video', audio: 'Ghi âm', file: 'Tệp', location: 'Vị trí', sticker: 'Nhãn dán', link: 'Liên kết',
};

/**
 * The attachments: photos we keep (shown as thumbnails that open full size), other files we keep (downloads), and
 * what stays with a chat platform (a link to it).
 */
function attachmentsOf(t: TicketDetail) {
  const images: Array<{ href: string; alt: string; name: string }> = [];
  const files: Array<{ href: string; name: string; size: string }> = [];
  const links: Array<{ href: string | null; label: string }> = [];
  t.attachments.forEach((a, i) => {
    const name = a.filename ?? `${KIND_LABELS[a.kind] ?? 'Tệp'} ${i + 1}`;
    if (a.downloadUrl) {
      const href = attachmentHref(t.code, a.id);
      if (a.contentType && IMAGE_TYPES.test(a.contentType)) images.push({ href, name, alt: `Ảnh ${images.length + 1} người dân gửi: ${name}` });
      else files.push({ href, name, size: sizeText(a.sizeBytes) });
    } else {
      const safe = a.url && /^https:\/\//i.test(a.url) ? a.url : null;
      links.push({ href: safe, label: `${KIND_LABELS[a.kind] ?? 'Tệp'}${a.filename ? ` “${a.filename}”` : ''} trên ${CHANNEL_LABELS[t.channel]}` });
    }
  });
  return { images, files, links, count: t.attachments.length };
}

/**
 * The conversation with the citizen, in order: what they sent (the complaint, their further messages) and what went
 * back to them (the notices published for them, the answer on their channel, or that it could not be sent).
 */
function conversationOf(t: TicketDetail) {
  const channel = CHANNEL_LABELS[t.channel];
  const answerWay = isChatChannel(t.channel) ? `qua ${channel}` : t.channel === 'email' || t.reporterEmail ? 'qua thư điện tử' : 'trên trang tra cứu';
  const items: Array<{ direction: 'in' | 'out' | 'failed'; at: string; who: string; text: string }> = [];
  for (const e of t.events) {
    if (e.type === 'created' || e.type === 'imported') {
      items.push({ direction: 'in', at: t.receivedAt, who: `${t.reporterName} · qua ${channel}`, text: t.content });
    } else if (e.type === 'citizen_message' && e.note) {
      items.push({ direction: 'in', at: e.at, who: `${t.reporterName} · qua ${channel}`, text: e.note });
    } else if (e.type === 'comment' && !e.internal && e.note) {
      items.push({ direction: 'out', at: e.at, who: `${e.actor} · thông báo trên trang tra cứu`, text: e.note });
    } else if (e.type === 'resolved' && e.note) {
      // the answer that could not go out (past the platform's reply window) is written with the resolution
      const notSent = t.events.some((x) => x.type === 'reply_not_sent' && x.at === e.at);
      items.push(notSent
        ? { direction: 'failed', at: e.at, who: `${e.actor} · kết quả xử lý, chưa gửi được ${answerWay}`, text: e.note }
        : { direction: 'out', at: e.at, who: `${e.actor} · kết quả xử lý gửi ${answerWay}`, text: e.note });
    } else if (e.type === 'reply_not_sent' && e.note) {
      items.push({ direction: 'failed', at: e.at, who: 'Hệ thống', text: e.note });
    }
  }
  return items;
}

function formsOf(page: TicketPage, session: StaffSession, error?: FormError) {
  const t = page.ticket;
  const actions: PageAction[] = [
    ...page.actions,
    ...(page.canDecideExtension ? ['approve_extension' as const, 'decline_extension' as const] : []),
    ...(page.canExtend ? ['extend' as const] : []),
    ...(page.canRequestExtension ? ['request_extension' as const] : []),
    ...(page.canExplainDispute ? ['explain_dispute' as const] : []),
    ...(page.canRecordFeedback ? ['record_feedback' as const] : []),
    'comment',
  ];
  const dueLocal = t.dueAt ? formatDateTimeVi(new Date(t.dueAt)) : '';
  // the approval starts from the date the unit asked for
  const askedLocal = page.canDecideExtension && page.extensionRequest ? formatDateTimeVi(new Date(page.extensionRequest.requestedDueAt)) : '';
  return actions.map((action) => {
    const moving = action === 'assign' && t.status !== 'received';
    const mine = error?.action === action;
    const values: FormValues = mine ? error.values : {};
    // the extension form starts from the current deadline, in Viet Nam time
    const start = action === 'approve_extension' ? askedLocal : action === 'extend' || action === 'request_extension' ? dueLocal : '';
    if (start && !mine) {
      values.dueTime = start.slice(0, 5);
      values.dueDate = start.slice(6);
    }
    const fieldErrors: Record<string, string> = {};
    if (mine) {
      for (const [field, reason] of Object.entries(error.fields ?? {})) {
        // the service speaks of the deadline as one value: its reason goes under the date
        fieldErrors[isDated(action) && field === 'dueAt' ? 'dueDate' : field] ??= reason;
      }
    }
    return {
      action,
      title: moving ? 'Chuyển đơn vị xử lý' : ACTION_TITLES[action],
      button: moving ? 'Chuyển đơn vị' : ACTION_BUTTONS[action],
      href: `${ticketHref(t.code)}/${action}`,
      version: action === 'comment' ? null : t.version,
      values,
      errors: fieldErrors,
    };
  });
}

export function ticketView(session: StaffSession, counts: Counts, page: TicketPage, extra: { flash?: string; error?: FormError } = {}) {
  const t = page.ticket;
  return {
    title: `Phản ánh ${t.code}`,
    nav: staffNav(session, ticketHref(t.code), counts),
    csrf: session.csrf,
    flash: extra.flash,
    error: extra.error,
    t,
    deadline: { dueAt: t.dueAt, minutesLeft: page.minutesLeft, mode: page.deadlineMode, overdue: t.overdue },
    dueSoon: page.dueSoon,
    area: t.area ? `${t.area.name}${t.area.districtName ? `, ${t.area.districtName}` : ''}` : '',
    rejectReason: t.rejectReason ? REJECT_REASON_LABELS[t.rejectReason as keyof typeof REJECT_REASON_LABELS] ?? t.rejectReason : '',
    instruction: instructionOf(t.events),
    attachments: attachmentsOf(t),
    conversation: conversationOf(t),
    events: t.events.map((e) => ({ type: e.type, at: e.at, actor: e.actor, label: eventLabel(e), note: e.note, internal: e.internal })),
    duplicates: t.likelyDuplicates.map((d) => ({
      code: d.code, href: ticketHref(d.code), reason: d.reason === 'same_phone' ? 'cùng số điện thoại' : 'nội dung tương tự',
    })),
    merged: t.mergedTickets.map((d) => ({ code: d.code, href: ticketHref(d.code), mergedAt: d.mergedAt })),
    forms: formsOf(page, session, extra.error),
    feedback: page.feedback ? {
      settled: page.feedback.settled, rating: page.feedback.rating, reason: page.feedback.reason, answeredAt: page.feedback.answeredAt.toISOString(),
      via: page.feedback.via === 'operator' ? `ghi nhận qua điện thoại bởi ${page.feedback.recordedByName ?? 'tổng đài viên'}` : 'người dân tự đánh giá',
      followUp: page.feedback.followUp === 'reopened' ? 'Điều phối viên đã mở lại phản ánh' : page.feedback.followUp === 'explained' ? 'Điều phối viên đã trả lời người dân' : null,
    } : null,
    extension: page.extensionRequest ? {
      ...page.extensionRequest,
      statusLabel: { pending: 'Đang chờ điều phối viên xem xét', approved: 'Đã được chấp thuận', declined: 'Không được chấp thuận' }[page.extensionRequest.status],
    } : null,
    units: page.units,
    rejectReasons: REJECT_REASONS.map((r) => ({ value: r, label: REJECT_REASON_LABELS[r] })),
    hasLongSelect: page.units.length > 20,
  };
}

// ——— overdue, per unit ———

/** `unit`: the list narrowed to that unit (?don-vi=), paged through with a pager. */
export function overdueView(session: StaffSession, counts: Counts, list: OverdueList, unit?: string) {
  const unitHref = (code: string, page: number) => `/tre-han?don-vi=${encodeURIComponent(code || 'none')}&trang=${page}`;
  const single = unit !== undefined && list.units.length === 1 ? list.units[0] : null;
  const first = (list.page - 1) * list.pageSize;
  const sections = list.units.map((g) => {
    const code = g.unit?.code ?? '';
    const rest = g.count - first - g.tickets.length;
    return {
      code,
      name: g.unit ? g.unit.name : 'Chưa phân công đơn vị',
      count: g.count,
      tickets: g.tickets.map((tk) => ({
        code: tk.code,
        href: ticketHref(tk.code),
        statusLabel: STATUS_LABELS[tk.status as keyof typeof STATUS_LABELS] ?? tk.status,
        receivedAt: tk.receivedAt,
        dueAt: tk.dueAt,
        late: tk.daysLate >= 1 ? `trễ ${tk.daysLate} ngày` : 'trễ dưới 1 ngày',
      })),
      // in the list of every unit, a unit with more late tickets than it shows links to its own list, paged
      more: !single && rest > 0 ? { href: unitHref(code, 1), count: g.count } : null,
    };
  });
  let pager = null;
  if (single) {
    const pages = Math.max(1, Math.ceil(single.count / list.pageSize));
    const code = single.unit?.code ?? '';
    pager = {
      page: list.page,
      pages,
      prevHref: list.page > 1 ? unitHref(code, Math.min(list.page - 1, pages)) : null,
      nextHref: list.page < pages ? unitHref(code, list.page + 1) : null,
    };
  }
  return {
    title: 'Phản ánh trễ hạn',
    nav: staffNav(session, '/tre-han', counts),
    summary: `Tính đến ${when(list.at)}: ${list.total ? `${list.total} phản ánh trễ hạn ở ${list.units.length} đơn vị.` : 'không có phản ánh nào trễ hạn.'}`,
    sections,
    narrowed: unit !== undefined,
    pager,
  };
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
    request_extension: 'Đã gửi đề nghị gia hạn; điều phối viên sẽ xem xét.',
    approve_extension: 'Đã chấp thuận đề nghị gia hạn; người dân được thông báo hạn mới.',
    decline_extension: 'Đã không chấp thuận đề nghị gia hạn.',
    record_feedback: 'Đã ghi nhận đánh giá của người dân.',
    explain_dispute: 'Đã gửi trả lời cho người dân.',
    comment: 'Đã ghi ý kiến.',
  };
  return done[action as PageAction];
}
