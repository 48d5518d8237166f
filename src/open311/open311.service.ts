import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppError, type FieldProblem } from '../common/errors.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/idempotency-key.js';
import { normalizeVietnamesePhone } from '../common/phone.js';
import { compareVietnamese } from '../common/text.js';
import { loadUnitRefs } from '../directory/unit-label.js';
import { PublicReportService } from '../intake/public/public-report.service.js';
import { normalizeTicketCode } from '../tickets/ticket-code.js';
import type { TicketStatus } from '../tickets/ticket.entity.js';
import { publicRequestRows, type PublicRequestFilter } from '../tickets/ticket-public-requests.js';
import { AnswersService } from '../answers/answers.service.js';
import type { ApiClientView } from './api-clients.service.js';
import { open311BadRequest, open311NotFound } from './open311.errors.js';

/** The one attribute of every service: the commune, which every ticket here needs (routing and deadlines follow it). */
export const AREA_ATTRIBUTE = 'area_code';
/** GeoReport v2: a description is free text of at most 4,000 characters. */
export const DESCRIPTION_MAX = 4000;
/** GeoReport v2: at most 1,000 requests per answer, and by default those of the last 90 days. */
export const REQUESTS_MAX = 1000;
export const DEFAULT_DAYS = 90;
const CODES_MAX = 200;

const CLOSED: ReadonlySet<TicketStatus> = new Set(['resolved', 'closed', 'rejected']);

/** Vietnam's offset, written on every date (ISO 8601 with +07:00, as the spec's examples carry an offset). */
export function isoVietnam(d: Date | null): string | null {
  if (!d) return null;
  const local = new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19);
  return `${local}+07:00`;
}

export interface ServiceEntry {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string | null;
  service_code: string | null;
  agency_responsible: string | null;
  service_notice: string;
  requested_datetime: string | null;
  updated_datetime: string | null;
  expected_datetime: string | null;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: null;
  long: null;
  media_url: null;
}

/**
 * What a public status note says: the stage the request is at, in words that name no person and repeat nothing the
 * citizen or staff wrote (the citizen's text and the answer sent to them may carry names, phones and addresses).
 */
function statusNote(status: TicketStatus, rejectReason: string | null, merged: boolean): string {
  switch (status) {
    case 'received': return 'Tổng đài 1022 đã tiếp nhận, đang chuyển đến đơn vị xử lý.';
    case 'assigned': return 'Đã chuyển đến đơn vị xử lý.';
    case 'in_progress': return 'Đơn vị xử lý đang giải quyết.';
    case 'resolved': return 'Đơn vị xử lý đã có kết quả và đã trả lời người phản ánh.';
    case 'closed': return 'Phản ánh đã được giải quyết và kết thúc.';
    case 'rejected':
      if (merged || rejectReason === 'duplicate') return 'Trùng nội dung với một phản ánh khác, được gộp để xử lý chung.';
      if (rejectReason === 'out_of_scope') return 'Không xử lý: không thuộc phạm vi tiếp nhận của Tổng đài 1022.';
      return 'Phản ánh không được xử lý.';
    default: return '';
  }
}

/** Query parameters of GET /requests, as Express gives them (a string, or a list when repeated). */
export type RequestsQuery = Record<string, unknown>;

/** What a client POSTs (form fields, or the same names in JSON; `attribute[area_code]` or `attribute: {area_code}`). */
export type SubmittedRequest = Record<string, unknown>;

const one = (v: unknown): string | undefined | null => (v === undefined ? undefined : typeof v === 'string' ? v : null);

/**
 * Open311 GeoReport v2 over the hotline: the categories as services, a request as a citizen's report through the
 * citizen app's intake (the same checks, routing, deadline, acknowledgement and idempotency), and the requests as
 * anyone may read them: status, category, commune, unit and dates, never who sent them or what they wrote.
 */
@Injectable()
export class Open311Service {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly reports: PublicReportService,
    private readonly answers: AnswersService,
  ) {}

  async services(): Promise<ServiceEntry[]> {
    const rows: Array<{ code: string; name: string; deadline_hours: number; deadline_mode: string; urgent: boolean }> =
      await this.ds.query(`SELECT code, name, deadline_hours, deadline_mode, urgent FROM categories WHERE active`);
    return rows.sort((a, b) => compareVietnamese(a.name, b.name)).map((c) => ({
      service_code: c.code,
      service_name: c.name,
      description: `Phản ánh, kiến nghị về ${c.name.toLowerCase()}; thời hạn xử lý ${c.deadline_hours} giờ${c.deadline_mode === 'working' ? ' làm việc' : ''}. Cần cho biết xã, phường, thị trấn (${AREA_ATTRIBUTE}).`,
      metadata: true,
      type: 'realtime',
      keywords: [c.code.toLowerCase(), ...c.name.toLowerCase().split(/[\s,]+/).filter((w) => w.length > 2)].join(','),
      group: c.urgent ? 'Việc khẩn cấp' : 'Phản ánh, kiến nghị',
    }));
  }

  /** The communes a request may name: code and "Xã Hòa Lợi, Huyện Châu Thành", in Vietnamese order. */
  private async communes(): Promise<Array<{ key: string; name: string }>> {
    const rows: Array<{ code: string; name: string; district: string | null }> = await this.ds.query(
      `SELECT c.code, c.name, d.name AS district FROM areas c LEFT JOIN areas d ON d.code = c.parent_code WHERE c.level = 'commune'`);
    return rows
      .map((r) => ({ key: r.code, name: r.district ? `${r.name}, ${r.district}` : r.name }))
      .sort((a, b) => compareVietnamese(a.name, b.name));
  }

  async definition(serviceCode: string) {
    const [category] = await this.ds.query(`SELECT code FROM categories WHERE code = $1 AND active`, [serviceCode]) as Array<{ code: string }>;
    if (!category) throw open311NotFound(`service_code: không có dịch vụ (lĩnh vực) đang dùng mã "${serviceCode}".`);
    return {
      service_code: category.code,
      attributes: [{
        variable: true,
        code: AREA_ATTRIBUTE,
        datatype: 'singlevaluelist',
        required: true,
        datatype_description: 'Mã GSO của xã, phường, thị trấn: một trong các giá trị (key) của danh sách.',
        order: 1,
        description: 'Xã, phường, thị trấn nơi xảy ra sự việc',
        values: await this.communes(),
      }],
    };
  }

  /**
   * A request becomes a ticket of the citizen app's channel through its intake (PublicReportService.create), named
   * in the ticket's history and source as coming from this client. Everything is checked before anything is written.
   * With an `idempotencyKey` (an extension: GeoReport v2 has none) a repetition creates nothing and answers the
   * first one's code (created: false).
   */
  async submit(client: ApiClientView, body: SubmittedRequest, idempotencyKey: string | undefined) {
    const problems: FieldProblem[] = [];
    // one reason per field: the first found
    const refuse = (field: string, reason: string) => { if (!problems.some((p) => p.field === field)) problems.push({ field, reason }); };
    const text = (field: string, max: number, value: unknown = body[field]): string => {
      const v = one(value);
      if (v === null) { refuse(field, 'phải là một chuỗi ký tự'); return ''; }
      const t = (v ?? '').trim();
      if (t.length > max) refuse(field, `dài tối đa ${max} ký tự`);
      return t;
    };
    const attributes = body.attribute && typeof body.attribute === 'object' ? (body.attribute as Record<string, unknown>) : {};
    const areaField = `attribute[${AREA_ATTRIBUTE}]`;
    const serviceCode = text('service_code', 32);
    const areaCode = text(areaField, 10, body[areaField] ?? attributes[AREA_ATTRIBUTE]);
    const description = text('description', DESCRIPTION_MAX);
    const firstName = text('first_name', 60);
    const lastName = text('last_name', 60);
    const phone = text('phone', 32);
    const email = text('email', 254).toLowerCase();
    const address = text('address_string', 300);
    const mediaUrl = text('media_url', 2000);
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      refuse('Idempotency-Key', 'phải gồm 8 đến 128 ký tự chữ (không dấu), số, "_" hoặc "-"');
    }
    if (!serviceCode) refuse('service_code', 'là bắt buộc: mã dịch vụ (lĩnh vực) lấy từ services.json');
    else if (!(await this.ds.query(`SELECT 1 FROM categories WHERE code = $1 AND active`, [serviceCode])).length) {
      refuse('service_code', `không có dịch vụ (lĩnh vực) đang dùng mã "${serviceCode}"`);
    }
    if (!areaCode) refuse(areaField, 'là bắt buộc: mã xã, phường, thị trấn nơi xảy ra sự việc (xem định nghĩa dịch vụ)');
    else if (!(await this.ds.query(`SELECT 1 FROM areas WHERE code = $1 AND level = 'commune'`, [areaCode])).length) {
      refuse(areaField, `không có xã, phường, thị trấn mã "${areaCode}"`);
    }
    if (!description) refuse('description', 'là bắt buộc: nội dung phản ánh');
    if (phone && !normalizeVietnamesePhone(phone)) refuse('phone', 'không phải số điện thoại Việt Nam hợp lệ');
    if (email && !isEmail(email)) refuse('email', 'không phải địa chỉ thư điện tử hợp lệ');
    if (!phone && !email) {
      refuse('phone', 'cần số điện thoại hoặc e-mail để nhận kết quả');
      refuse('email', 'cần số điện thoại hoặc e-mail để nhận kết quả');
    }
    if (mediaUrl && !/^https?:\/\/\S+$/i.test(mediaUrl)) refuse('media_url', 'phải là một địa chỉ http:// hoặc https://');
    if (problems.length) throw open311BadRequest(problems);

    const fullName = `${lastName} ${firstName}`.trim() || `Người dân qua ${client.name}`;
    const content = mediaUrl ? `${description}\n\nẢnh, tệp kèm theo (qua ${client.name}): ${mediaUrl}` : description;
    try {
      const { code, created } = await this.reports.create('app', {
        fullName: fullName.slice(0, 120), phone: phone || null, email: email || null, areaCode, address: address || null, categoryCode: serviceCode, content,
      }, [], `open311:${client.id}:${idempotencyKey ?? randomUUID()}`, { actorName: `Ứng dụng ${client.name} (Open311)`.slice(0, 120) });
      return {
        created,
        body: [{ service_request_id: code, service_notice: `Tổng đài 1022 đã tiếp nhận phản ánh, mã phản ánh ${code}. Kết quả sẽ được gửi đến số điện thoại hoặc e-mail đã khai báo.`, account_id: null }],
      };
    } catch (e) {
      // intake's own checks name its fields; the client knows them by their Open311 names
      if (e instanceof AppError && e.code === 'VALIDATION_FAILED') {
        const names: Record<string, string> = { areaCode: areaField, categoryCode: 'service_code', content: 'description', fullName: 'first_name', reporterPhone: 'phone', address: 'address_string' };
        const list = (e.details?.errors as FieldProblem[] | undefined) ?? [{ field: 'request', reason: e.message }];
        throw open311BadRequest(list.map((p) => ({ field: names[p.field] ?? p.field, reason: p.reason })));
      }
      throw e;
    }
  }

  /** GET /requests: by codes (which override every other parameter, as the spec says), or by service, dates and status. */
  async requests(q: RequestsQuery): Promise<Open311Request[]> {
    const problems: FieldProblem[] = [];
    const param = (name: string): string => {
      const v = one(q[name]);
      if (v === null) { problems.push({ field: name, reason: 'chỉ được khai báo một lần' }); return ''; }
      return (v ?? '').trim();
    };
    const ids = param('service_request_id');
    if (ids) {
      const codes = [...new Set(ids.split(',').map((s) => normalizeTicketCode(s)).filter(Boolean))];
      if (codes.length > CODES_MAX) throw open311BadRequest([{ field: 'service_request_id', reason: `tối đa ${CODES_MAX} mã mỗi lần` }]);
      if (problems.length) throw open311BadRequest(problems);
      return this.find({ codes });
    }
    const serviceCode = param('service_code');
    const date = (name: string): Date | null => {
      const v = param(name);
      if (!v) return null;
      // ISO 8601 / W3C: a date, or a date and time with its offset (or Z)
      const m = /^(\d{4})-(\d{2})-(\d{2})(T(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.exec(v);
      // a day the month has (JavaScript would roll 30 February over into March), an hour of the day
      const real = m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1
        && Number(m[3]) <= new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate() && (!m[4] || (Number(m[5]) < 24 && Number(m[6]) < 60));
      const d = real ? new Date(m[4] ? v : `${v}T00:00:00+07:00`) : null;
      if (!d || Number.isNaN(d.getTime())) { problems.push({ field: name, reason: 'phải là ngày giờ theo ISO 8601, ví dụ 2026-03-01T00:00:00+07:00' }); return null; }
      return d;
    };
    const start = date('start_date');
    const end = date('end_date');
    const statuses = param('status').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
    if (statuses.some((s) => s !== 'open' && s !== 'closed')) problems.push({ field: 'status', reason: 'chỉ nhận open, closed' });
    if (start && end && start > end) problems.push({ field: 'end_date', reason: 'phải sau start_date' });
    if (problems.length) throw open311BadRequest(problems);
    const until = end ?? (start ? new Date(start.getTime() + DEFAULT_DAYS * 86_400_000) : this.clock.now());
    const from = start ?? new Date(until.getTime() - DEFAULT_DAYS * 86_400_000);
    const wanted = new Set(statuses);
    return this.find({ from, until, categoryCode: serviceCode || undefined, closed: wanted.size === 1 ? wanted.has('closed') : undefined });
  }

  async request(id: string): Promise<Open311Request[]> {
    const found = await this.find({ codes: [normalizeTicketCode(id)] });
    if (!found.length) throw open311NotFound(`service_request_id: không có phản ánh mã "${id.slice(0, 40)}".`);
    return found;
  }

  /**
   * The requests matching `where`, newest first, at most REQUESTS_MAX; only columns that say nothing of the citizen are
   * read (the status note is the published answer, never the ticket's own resolution).
   */
  private async find(filter: PublicRequestFilter): Promise<Open311Request[]> {
    // the tickets through their owner (src/tickets), the answers published for them through theirs (src/answers)
    const rows = await publicRequestRows(this.ds.manager, filter, REQUESTS_MAX);
    const published = await this.answers.publishedAnswerTexts(rows.filter((r) => r.status === 'resolved' || r.status === 'closed').map((r) => r.id));
    const units = await loadUnitRefs(this.ds.manager, rows.map((r) => r.assigned_unit_code));
    return rows.map((r) => ({
      service_request_id: r.code,
      status: CLOSED.has(r.status) ? 'closed' : 'open',
      // the answer as a coordinator published it for the public (src/answers: edited, no personal details), once published
      status_notes: published.get(r.id) ?? statusNote(r.status, r.reject_reason, r.merged),
      service_name: r.category_name,
      service_code: r.category_code,
      agency_responsible: r.assigned_unit_code ? units.get(r.assigned_unit_code)?.displayName ?? null : null,
      service_notice: '',
      requested_datetime: isoVietnam(r.received_at),
      updated_datetime: isoVietnam(r.updated_at),
      expected_datetime: r.status === 'rejected' ? null : isoVietnam(r.due_at),
      address: r.area_name ? (r.district_name ? `${r.area_name}, ${r.district_name}` : r.area_name) : null,
      address_id: null,
      zipcode: null,
      lat: null,
      long: null,
      media_url: null,
    }));
  }
}
