import { AppError, badRequest } from '../../common/errors.js';
import { formValue } from '../../intake/public/web-form.js';
import { AssignDto, RejectDto } from '../../tickets/dto/ticket.dto.js';
import { normalizeTicketCode } from '../../tickets/ticket-code.js';
import { QUEUE_VIEWS, type QueueView } from '../../tickets/ticket-queue.js';
import { REJECT_REASON_LABELS } from '../../tickets/ticket-state.js';
import { FIELD_LABELS } from '../staff-forms.js';
import { checked, formRefusal, TICKET_CONFLICT_NOTE, type Refusal } from '../page-forms.js';

/** The queue's views as the address names them (/dieu-phoi?xem=tra-lai), with their tab labels, in tab order. */
export const VIEW_SLUGS: Record<QueueView, string> = {
  new: 'moi',
  returned: 'tra-lai',
  duplicates: 'trung',
  due_soon: 'sap-han',
  overdue: 'tre-han',
  extensions: 'gia-han',
  disputed: 'chua-hai-long',
};

export const VIEW_LABELS: Record<QueueView, string> = {
  new: 'Chờ phân công',
  returned: 'Đơn vị trả lại',
  duplicates: 'Có thể trùng',
  due_soon: 'Sắp đến hạn',
  overdue: 'Trễ hạn',
  extensions: 'Đề nghị gia hạn',
  disputed: 'Người dân chưa hài lòng',
};

/** What each view says when it is empty. */
export const VIEW_EMPTY: Record<QueueView, string> = {
  new: 'Không có phản ánh mới nào đang chờ phân công.',
  returned: 'Không có phản ánh nào bị đơn vị trả lại.',
  duplicates: 'Không có phản ánh nào có khả năng trùng cần xem xét.',
  due_soon: 'Không có phản ánh nào sắp đến hạn.',
  overdue: 'Không có phản ánh nào trễ hạn.',
  extensions: 'Không có đề nghị gia hạn nào đang chờ xem xét.',
  disputed: 'Không có phản ánh nào người dân báo chưa được giải quyết.',
};

export const QUEUE_PAGE_SIZE = 50;

export function viewOf(slug: string): QueueView {
  return QUEUE_VIEWS.find((v) => VIEW_SLUGS[v] === slug) ?? 'new';
}

/** A page number from the address; one that makes no sense is the first page. */
export function pageOf(value: string): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

export function queueHref(view: QueueView, page = 1): string {
  const p = new URLSearchParams();
  if (view !== 'new') p.set('xem', VIEW_SLUGS[view]);
  if (page > 1) p.set('trang', String(page));
  const s = p.toString();
  return s ? `/dieu-phoi?${s}` : '/dieu-phoi';
}

export const ticketHref = (code: string) => `/dieu-phoi/phan-anh/${encodeURIComponent(code)}`;
export const mergeHref = (keep: string, drop?: string) =>
  `/dieu-phoi/gop?giu=${encodeURIComponent(keep)}${drop ? `&bo=${encodeURIComponent(drop)}` : ''}`;

const FULL_CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

/** A ticket code from a form or an address, normalised; '' when it is not one. */
export function codeOf(value: string): string {
  const code = normalizeTicketCode(value.slice(0, 40));
  return FULL_CODE.test(code) ? code : '';
}

const versionOf = (body: Record<string, unknown> | undefined, name = 'version') => {
  const v = formValue(body, name);
  return /^\d{1,9}$/.test(v) ? Number(v) : undefined;
};

export type { Refusal } from '../page-forms.js';

/** A refused form on the coordinator's pages; with no unit to send a ticket to, the unit field says so. */
export function refusalOf(e: AppError): Refusal {
  if (e.code === 'NO_UNIT') return { message: e.message, problems: [], fields: { unitCode: 'Hãy chọn đơn vị xử lý.' } };
  return formRefusal(e, FIELD_LABELS, { conflictNote: TICKET_CONFLICT_NOTE });
}


/** The classify-and-assign form's values, as typed (kept to fill the form again after a refusal). */
export interface AssignValues {
  categoryCode: string;
  areaCode: string;
  unitCode: string;
  note: string;
}

export function assignValues(body: Record<string, unknown> | undefined): AssignValues {
  return {
    categoryCode: formValue(body, 'categoryCode').slice(0, 32),
    areaCode: formValue(body, 'areaCode').slice(0, 10),
    unitCode: formValue(body, 'unitCode').slice(0, 32),
    note: formValue(body, 'note'),
  };
}

/** The form as the API's AssignDto (the same rules); empty fields are left out, the version the page showed kept. */
export function assignDto(values: AssignValues, body: Record<string, unknown> | undefined): Promise<AssignDto> {
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (v.trim() !== '') plain[k] = v;
  const version = versionOf(body);
  if (version !== undefined) plain.version = version;
  return checked(AssignDto, plain);
}

/** The reasons a coordinator may reject for on the ticket's page; a duplicate is merged on the merge page instead. */
export const REJECT_CHOICES = (['spam', 'out_of_scope'] as const).map((code) => ({ code, label: REJECT_REASON_LABELS[code] }));

export interface RejectValues {
  reason: string;
  note: string;
}

export function rejectValues(body: Record<string, unknown> | undefined): RejectValues {
  return { reason: formValue(body, 'reason').slice(0, 32), note: formValue(body, 'note') };
}

/** A rejection: a reason must be chosen (none is chosen in advance). */
export async function rejectDto(values: RejectValues, body: Record<string, unknown> | undefined): Promise<RejectDto> {
  if (!REJECT_CHOICES.some((c) => c.code === values.reason)) {
    throw badRequest([{ field: 'reason', reason: 'hãy chọn lý do từ chối' }]);
  }
  const plain: Record<string, unknown> = { reason: values.reason };
  if (values.note.trim()) plain.note = values.note;
  const version = versionOf(body);
  if (version !== undefined) plain.version = version;
  return checked(RejectDto, plain);
}

/** The tickets ticked on the list, each with the version its row showed (`phien-<code>`). */
export function bulkSelection(body: Record<string, unknown> | undefined): Array<{ code: string; version?: number }> {
  const raw = body?.ma;
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string').slice(0, 200);
  const seen = new Set<string>();
  const out: Array<{ code: string; version?: number }> = [];
  for (const v of values) {
    const code = codeOf(v);
    if (!code || seen.has(code)) continue;
    seen.add(code);
    out.push({ code, version: versionOf(body, `phien-${code}`) });
  }
  return out;
}
