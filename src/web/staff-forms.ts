import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { badRequest } from '../common/errors.js';
import { flattenValidationErrors } from '../common/validation.js';
import { ExtendDeadlineDto } from '../sla/dto/sla.dto.js';
import { formValue } from '../intake/public/web-form.js';
import {
  AssignDto, CommentDto, NoteDto, ReasonDto, RejectDto, ResolveDto, TicketQueryDto,
} from '../tickets/dto/ticket.dto.js';
import { TICKET_ACTIONS, type TicketAction } from '../tickets/ticket-state.js';
import { STATUSES, type TicketStatus } from '../tickets/ticket.entity.js';

/** What the forms of the ticket page send: a lifecycle action, a deadline extension, or a comment. */
export const PAGE_ACTIONS = [...TICKET_ACTIONS, 'extend', 'comment'] as const;
export type PageAction = (typeof PAGE_ACTIONS)[number];
export const isPageAction = (a: string): a is PageAction => (PAGE_ACTIONS as readonly string[]).includes(a);

/** The text fields each form has (besides the version and the CSRF token), in the order of the form. */
export const ACTION_FIELDS: Record<PageAction, readonly string[]> = {
  assign: ['unitCode', 'note'],
  accept: ['note'],
  return: ['reason'],
  resolve: ['resolution'],
  close: ['note'],
  reject: ['reason', 'duplicateOf', 'note'],
  reopen: ['reason'],
  extend: ['dueAt', 'reason'],
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
  text: 'Nội dung ý kiến',
  version: 'Phiên bản',
};

const DTO_OF = {
  assign: AssignDto, accept: NoteDto, return: ReasonDto, resolve: ResolveDto, close: NoteDto, reject: RejectDto, reopen: ReasonDto,
  extend: ExtendDeadlineDto, comment: CommentDto,
} as const;

export type FormValues = Record<string, string>;

/** The submitted values of an action's form, as strings (kept to fill the form again after an error). */
export function actionFormValues(action: PageAction, body: Record<string, unknown> | undefined): FormValues {
  return Object.fromEntries(ACTION_FIELDS[action].map((f) => [f, formValue(body, f)]));
}

export type ActionSubmission =
  | { action: TicketAction; dto: AssignDto | NoteDto | ReasonDto | ResolveDto | RejectDto }
  | { action: 'extend'; dto: ExtendDeadlineDto }
  | { action: 'comment'; dto: CommentDto };

/**
 * The form as the API's DTO, checked by the same class-validator rules the API applies (a 400 with a Vietnamese
 * reason per field otherwise). Empty optional fields are left out; the version the page showed is passed on, so a
 * change made meanwhile by someone else answers 409.
 */
export async function actionDto(action: PageAction, body: Record<string, unknown> | undefined): Promise<ActionSubmission> {
  const values = actionFormValues(action, body);
  const plain: Record<string, unknown> = {};
  if (action === 'comment') {
    plain.text = values.text;
    plain.internal = values.public !== 'on';
  } else {
    for (const [k, v] of Object.entries(values)) if (v.trim() !== '' || ['reason', 'resolution', 'dueAt'].includes(k)) plain[k] = v;
    const version = formValue(body, 'version');
    if (/^\d{1,9}$/.test(version)) plain.version = Number(version);
  }
  const dto = plainToInstance(DTO_OF[action] as new () => object, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw badRequest(flattenValidationErrors(errors));
  return { action, dto } as ActionSubmission;
}

export interface ListFilter {
  status: TicketStatus | '';
  q: string;
  overdue: boolean;
  page: number;
}

export const PAGE_SIZE = 20;

/** The list page's filters from its address; a value that makes no sense is ignored rather than refused. */
export function listFilter(query: Record<string, unknown>): ListFilter {
  const one = (k: string) => formValue(query, k);
  const status = one('status');
  const page = Number(one('page'));
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as TicketStatus) : '',
    q: one('q').trim().slice(0, 200),
    overdue: one('overdue') === 'true',
    page: Number.isInteger(page) && page >= 1 && page <= 100000 ? page : 1,
  };
}

export function listQuery(f: ListFilter): TicketQueryDto {
  return {
    status: f.status ? [f.status] : undefined,
    q: f.q || undefined,
    overdue: f.overdue ? 'true' : undefined,
    page: f.page,
    pageSize: PAGE_SIZE,
  };
}

/** The address of the list with these filters (and another page). */
export function listHref(f: ListFilter, page = f.page): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.status) p.set('status', f.status);
  if (f.overdue) p.set('overdue', 'true');
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `/tickets?${s}` : '/tickets';
}
