import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { badRequest, type FieldProblem } from '../common/errors.js';
import { flattenValidationErrors } from '../common/validation.js';
import { ApproveExtensionDto, DeclineExtensionDto, ExtendDeadlineDto } from '../sla/dto/sla.dto.js';
import { ExplainDisputeDto, RecordFeedbackDto } from '../intake/citizen-feedback.dto.js';
import { formValue } from '../intake/public/web-form.js';
import {
  AssignDto, CommentDto, NoteDto, ReasonDto, RejectDto, ResolveDto, TicketQueryDto,
} from '../tickets/dto/ticket.dto.js';
import { TICKET_ACTIONS, type TicketAction } from '../tickets/ticket-state.js';
import { CHANNELS, STATUSES, type Channel, type TicketStatus } from '../tickets/ticket.entity.js';

/**
 * What the forms of the ticket page send: a lifecycle action, a deadline extension (by a coordinator, or asked by the
 * unit and approved or declined by a coordinator), or a comment.
 */
export const EXTENSION_ACTIONS = ['extend', 'request_extension', 'approve_extension', 'decline_extension'] as const;
export type ExtensionAction = (typeof EXTENSION_ACTIONS)[number];
export const FEEDBACK_ACTIONS = ['record_feedback', 'explain_dispute'] as const;
export const PAGE_ACTIONS = [...TICKET_ACTIONS, ...EXTENSION_ACTIONS, ...FEEDBACK_ACTIONS, 'comment'] as const;
export type PageAction = (typeof PAGE_ACTIONS)[number];
export const isPageAction = (a: string): a is PageAction => (PAGE_ACTIONS as readonly string[]).includes(a);

/** The text fields each form has (besides the version and the CSRF token), in the order of the form. */
export const ACTION_FIELDS: Record<PageAction, readonly string[]> = {
  assign: ['unitCode', 'note'],
  accept: ['note'],
  return: ['reason'],
  resolve: ['resolution'],
  close: ['note'],
  reject: ['reason', 'duplicateOf', 'note', 'confirm'],
  reopen: ['reason'],
  extend: ['dueDate', 'dueTime', 'reason'],
  request_extension: ['dueDate', 'dueTime', 'reason'],
  approve_extension: ['dueDate', 'dueTime', 'note'],
  decline_extension: ['reason'],
  record_feedback: ['settled', 'rating', 'reason'],
  explain_dispute: ['text'],
  comment: ['text', 'public'],
};

/** The name of each field for a person, in the error list above the forms. */
export const FIELD_LABELS: Record<string, string> = {
  unitCode: 'Đơn vị xử lý',
  categoryCode: 'Lĩnh vực',
  areaCode: 'Địa bàn',
  note: 'Ghi chú',
  reason: 'Lý do',
  resolution: 'Kết quả xử lý',
  duplicateOf: 'Mã phản ánh trùng',
  dueAt: 'Hạn xử lý mới',
  dueDate: 'Ngày của hạn mới',
  dueTime: 'Giờ của hạn mới',
  confirm: 'Xác nhận',
  text: 'Nội dung',
  settled: 'Đã được giải quyết chưa',
  rating: 'Điểm đánh giá',
  version: 'Phiên bản',
};

const DTO_OF = {
  assign: AssignDto, accept: NoteDto, return: ReasonDto, resolve: ResolveDto, close: NoteDto, reject: RejectDto, reopen: ReasonDto,
  extend: ExtendDeadlineDto, request_extension: ExtendDeadlineDto, approve_extension: ApproveExtensionDto,
  decline_extension: DeclineExtensionDto, record_feedback: RecordFeedbackDto, explain_dispute: ExplainDisputeDto, comment: CommentDto,
} as const;

/** The forms whose new deadline is typed as a date and a time. */
const DATED: readonly PageAction[] = ['extend', 'request_extension', 'approve_extension'];
export const isDated = (a: PageAction) => DATED.includes(a);

export type FormValues = Record<string, string>;

/** The submitted values of an action's form, as strings (kept to fill the form again after an error). */
export function actionFormValues(action: PageAction, body: Record<string, unknown> | undefined): FormValues {
  return Object.fromEntries(ACTION_FIELDS[action].map((f) => [f, formValue(body, f)]));
}

export type ActionSubmission =
  | { action: TicketAction; dto: AssignDto | NoteDto | ReasonDto | ResolveDto | RejectDto }
  | { action: 'extend' | 'request_extension'; dto: ExtendDeadlineDto }
  | { action: 'approve_extension'; dto: ApproveExtensionDto }
  | { action: 'decline_extension'; dto: DeclineExtensionDto }
  | { action: 'record_feedback'; dto: RecordFeedbackDto }
  | { action: 'explain_dispute'; dto: ExplainDisputeDto }
  | { action: 'comment'; dto: CommentDto };

/**
 * The form as the API's DTO, checked by the same class-validator rules the API applies (a 400 with a Vietnamese
 * reason per field otherwise). Empty optional fields are left out; the version the page showed is passed on, so a
 * change made meanwhile by someone else answers 409.
 */
export async function actionDto(action: PageAction, body: Record<string, unknown> | undefined): Promise<ActionSubmission> {
  const values = actionFormValues(action, body);
  const plain: Record<string, unknown> = {};
  // what the page checks itself before the API's rules: the dates as people write them, the reject form's choice
  // and confirmation
  const problems: FieldProblem[] = [];
  if (action === 'comment') {
    plain.text = values.text;
    plain.internal = values.public !== 'on';
  } else {
    for (const [k, v] of Object.entries(values)) {
      if (k === 'dueDate' || k === 'dueTime' || k === 'confirm') continue;
      if (v.trim() !== '' || ['reason', 'resolution'].includes(k)) plain[k] = v;
    }
    const version = formValue(body, 'version');
    if (/^\d{1,9}$/.test(version)) plain.version = Number(version);
  }
  if (isDated(action)) {
    const date = parseViDate(values.dueDate);
    const time = parseViTime(values.dueTime);
    if (typeof date !== 'string') problems.push({ field: 'dueDate', reason: date.reason });
    if (typeof time !== 'string') problems.push({ field: 'dueTime', reason: time.reason });
    if (typeof date === 'string' && typeof time === 'string') plain.dueAt = `${date}T${time}`;
  }
  if (action === 'reject') {
    if (!values.reason) {
      problems.push({ field: 'reason', reason: 'vui lòng chọn lý do từ chối' });
      delete plain.reason;
    }
    if (values.confirm !== 'on') problems.push({ field: 'confirm', reason: 'vui lòng đánh dấu ô xác nhận từ chối phản ánh này' });
  }
  const dto = plainToInstance(DTO_OF[action] as new () => object, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  // a field the page already found wrong keeps the page's reason, which says how to write it
  const own = new Set(problems.map((p) => (p.field === 'dueDate' || p.field === 'dueTime' ? 'dueAt' : p.field)));
  const all = [...problems, ...flattenValidationErrors(errors).filter((p) => !own.has(p.field))];
  if (all.length) throw badRequest(all);
  return { action, dto } as ActionSubmission;
}

/** A date as people write it here: "05/03/2026" (also "5/3/2026", "05.03.2026", "05-03-2026"), as "2026-03-05". */
export function parseViDate(value: string): string | { reason: string } {
  const v = value.trim();
  if (!v) return { reason: 'không được để trống; ghi ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026' };
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  if (!m) return { reason: `"${v.slice(0, 40)}" không phải ngày theo dạng dd/mm/yyyy, ví dụ 05/03/2026` };
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (y < 2000 || y > 2100 || check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    return { reason: `không có ngày ${v}` };
  }
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A time of day in 24 hours: "16:30" (also "8:00", "16h30"), as "16:30". */
export function parseViTime(value: string): string | { reason: string } {
  const v = value.trim();
  if (!v) return { reason: 'không được để trống; ghi giờ theo dạng HH:mm (24 giờ), ví dụ 16:30' };
  const m = /^(\d{1,2})[:hH.](\d{2})$/.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return { reason: `"${v.slice(0, 20)}" không phải giờ theo dạng HH:mm (24 giờ), ví dụ 16:30` };
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}

export interface ListFilter {
  status: TicketStatus | '';
  q: string;
  overdue: boolean;
  category: string;
  channel: Channel | '';
  area: string;
  unit: string;
  /** The received-date bounds as typed (dd/mm/yyyy). */
  from: string;
  to: string;
  page: number;
}

export const PAGE_SIZE = 50;

/** What the list's address asked for, and the reason per date field it could not read (that bound is left out). */
export interface ListRequest {
  filter: ListFilter;
  /** The bounds read ("2026-03-05"), for the query. */
  receivedFrom?: string;
  receivedTo?: string;
  errors: Record<string, string>;
}

const CODE_LIKE = /^[A-Z0-9-]{1,32}$/i;

/**
 * The list page's filters from its address; a choice that makes no sense is ignored rather than refused; a date
 * that cannot be read is named with the reason next to its field.
 */
export function listFilter(query: Record<string, unknown>): ListRequest {
  const one = (k: string) => formValue(query, k);
  const status = one('status');
  const channel = one('channel');
  const page = Number(one('page'));
  const code = (k: string) => (CODE_LIKE.test(one(k)) ? one(k) : '');
  const filter: ListFilter = {
    status: (STATUSES as readonly string[]).includes(status) ? (status as TicketStatus) : '',
    q: one('q').trim().slice(0, 200),
    overdue: one('overdue') === 'true',
    category: code('category'),
    channel: (CHANNELS as readonly string[]).includes(channel) ? (channel as Channel) : '',
    area: code('area'),
    unit: code('unit'),
    from: one('from').trim().slice(0, 40),
    to: one('to').trim().slice(0, 40),
    page: Number.isInteger(page) && page >= 1 && page <= 100000 ? page : 1,
  };
  const errors: Record<string, string> = {};
  const bound = (field: 'from' | 'to'): string | undefined => {
    if (!filter[field]) return undefined;
    const d = parseViDate(filter[field]);
    if (typeof d === 'string') return d;
    errors[field] = `${d.reason.charAt(0).toUpperCase()}${d.reason.slice(1)}.`;
    return undefined;
  };
  const receivedFrom = bound('from');
  const receivedTo = bound('to');
  if (receivedFrom && receivedTo && receivedFrom > receivedTo) {
    errors.to = `Phải từ ngày ${filter.from} trở về sau.`;
    return { filter, receivedFrom, errors };
  }
  return { filter, receivedFrom, receivedTo, errors };
}

export function listQuery(r: ListRequest): TicketQueryDto {
  const f = r.filter;
  return {
    status: f.status ? [f.status] : undefined,
    q: f.q || undefined,
    overdue: f.overdue ? 'true' : undefined,
    category: f.category || undefined,
    channel: f.channel || undefined,
    area: f.area || undefined,
    unit: f.unit || undefined,
    receivedFrom: r.receivedFrom,
    receivedTo: r.receivedTo,
    sort: 'deadline',
    page: f.page,
    pageSize: PAGE_SIZE,
  };
}

/** The address of the list with these filters (and another page). */
export function listHref(f: ListFilter, page = f.page): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.status) p.set('status', f.status);
  if (f.category) p.set('category', f.category);
  if (f.channel) p.set('channel', f.channel);
  if (f.area) p.set('area', f.area);
  if (f.unit) p.set('unit', f.unit);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.overdue) p.set('overdue', 'true');
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `/tickets?${s}` : '/tickets';
}

/** Whether any filter is set (the list then says "phù hợp" and offers to clear them). */
export const isFiltered = (f: ListFilter) => !!(f.q || f.status || f.overdue || f.category || f.channel || f.area || f.unit || f.from || f.to);
