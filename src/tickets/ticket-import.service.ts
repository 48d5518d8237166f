import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { badRequest, unprocessable } from '../common/errors.js';
import { normalizeVietnamesePhone } from '../common/phone.js';
import { RoutingService } from '../routing/routing.service.js';
import { DeadlineService } from '../calendar/deadline.service.js';
import { newTicketCode, normalizeTicketCode } from './ticket-code.js';
import { TicketLifecycle } from './ticket-lifecycle.js';
import { actorOf } from './ticket-events.js';
import { ticketSearchText } from './ticket-view.js';
import { CHANNELS, OPEN_STATUSES, STATUSES, Ticket, type Channel, type TicketStatus } from './ticket.entity.js';

export const IMPORT_COLUMNS = [
  'code', 'channel', 'received_at', 'reporter_name', 'reporter_phone', 'area_code', 'category_code', 'content',
  'unit_code', 'due_at', 'resolved_at', 'status', 'resolution',
] as const;
type Row = Record<(typeof IMPORT_COLUMNS)[number], string>;

export interface ImportProblem { line: number; field: string; reason: string }

const MAX_ROWS = 50_000;
const CODE = /^[A-Za-z0-9._\-/]{1,40}$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Imports tickets from the CSV of an older system. The whole file is checked first: one bad row and nothing is
 * imported (422 listing every bad line). Otherwise all rows go in one transaction, each with an "imported" event.
 */
@Injectable()
export class TicketImportService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly routing: RoutingService,
    private readonly deadlines: DeadlineService,
    private readonly lifecycle: TicketLifecycle,
  ) {}

  async import(user: AuthUser, csv: string): Promise<{ imported: number }> {
    if (!csv || !csv.trim()) throw badRequest([{ field: 'file', reason: 'tệp CSV trống' }]);
    const { header, records } = readCsv(csv);
    const problems: ImportProblem[] = [];
    // the header: every column present, none unknown, none twice
    const known = IMPORT_COLUMNS as readonly string[];
    const missing = IMPORT_COLUMNS.filter((c) => !header.includes(c));
    problems.push(...missing.map((c) => ({ line: 1, field: c, reason: 'thiếu cột' })));
    problems.push(...header.filter((h) => !known.includes(h)).map((h) => ({ line: 1, field: h || '(trống)', reason: 'cột không được hỗ trợ' })));
    problems.push(...header.filter((h, i) => known.includes(h) && header.indexOf(h) !== i).map((h) => ({ line: 1, field: h, reason: 'cột bị lặp lại' })));
    if (records.length > MAX_ROWS) throw unprocessable('IMPORT_TOO_LARGE', `Mỗi lần nhập tối đa ${MAX_ROWS} dòng.`, { errors: [] });

    const now = this.clock.now();
    const [areas, categories, units] = await Promise.all([
      this.ds.query(`SELECT a.code, a.name, p.name AS parent_name FROM areas a LEFT JOIN areas p ON p.code = a.parent_code AND p.level = 'district'`) as Promise<Array<{ code: string; name: string; parent_name: string | null }>>,
      this.ds.query(`SELECT code, deadline_hours, deadline_mode, urgent FROM categories`) as Promise<Array<{ code: string; deadline_hours: number; deadline_mode: 'working' | 'clock'; urgent: boolean }>>,
      this.ds.query(`SELECT code, active FROM units`) as Promise<Array<{ code: string; active: boolean }>>,
    ]);
    const areaMap = new Map(areas.map((a) => [a.code, a]));
    const catMap = new Map(categories.map((c) => [c.code, c]));
    const unitMap = new Map(units.map((u) => [u.code, u]));
    // rows with a wrong number of cells are reported and not read further
    const rowsIn: Array<{ line: number; r: Row }> = [];
    for (const { cells, line } of records) {
      if (cells.length !== header.length) {
        problems.push({ line, field: 'row', reason: `dòng có ${cells.length} ô, dòng tiêu đề có ${header.length} cột` });
        continue;
      }
      const r = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, header.includes(c) ? cells[header.indexOf(c)] : ''])) as Row;
      // codes are looked up as people type them (upper case, no spaces): store them that way
      r.code = normalizeTicketCode(r.code);
      rowsIn.push({ line, r });
    }
    const givenCodes = rowsIn.map(({ r }) => r.code).filter(Boolean);
    const taken = new Set<string>(
      givenCodes.length ? (await this.ds.query(`SELECT code FROM tickets WHERE code = ANY($1)`, [givenCodes])).map((r: { code: string }) => r.code) : [],
    );

    const seen = new Map<string, number>();
    const rows: Array<{ line: number; t: Partial<Ticket>; derivedStatus: boolean; areaNames: string[] }> = [];
    for (const { line, r } of rowsIn) {
      let rowOk = true;
      // a problem in a column the header lacks is already reported once, on line 1
      const bad = (field: string, reason: string) => {
        rowOk = false;
        if (header.includes(field)) problems.push({ line, field, reason });
      };
      const time = (field: 'received_at' | 'due_at' | 'resolved_at'): Date | null => {
        if (!r[field]) return null;
        const d = parseIsoWithOffset(r[field]);
        if (!d) {
          bad(field, 'phải là thời điểm ISO-8601 có múi giờ, ví dụ 2022-01-12T16:00:00+07:00');
          return null;
        }
        return d;
      };
      if (r.code) {
        if (!CODE.test(r.code)) bad('code', 'chỉ gồm chữ, số và . _ - / (tối đa 40 ký tự)');
        else if (taken.has(r.code)) bad('code', `mã "${r.code}" đã có trong hệ thống`);
        else if (seen.has(r.code)) bad('code', `mã "${r.code}" lặp lại dòng ${seen.get(r.code)}`);
        else seen.set(r.code, line);
      }
      if (!(CHANNELS as readonly string[]).includes(r.channel)) bad('channel', `phải là một trong: ${CHANNELS.join(', ')}`);
      const receivedAt = time('received_at');
      if (!r.received_at) bad('received_at', 'bắt buộc');
      else if (receivedAt && receivedAt > now) bad('received_at', 'không được sau thời điểm hiện tại');
      const dueAt = time('due_at');
      const resolvedAt = time('resolved_at');
      if (receivedAt && dueAt && dueAt < receivedAt) bad('due_at', 'không được trước thời điểm tiếp nhận');
      if (receivedAt && resolvedAt && resolvedAt < receivedAt) bad('resolved_at', 'không được trước thời điểm tiếp nhận');
      if (resolvedAt && resolvedAt > now) bad('resolved_at', 'không được sau thời điểm hiện tại');
      const phone = r.reporter_phone ? normalizeVietnamesePhone(r.reporter_phone) : null;
      if (r.reporter_phone && !phone) bad('reporter_phone', 'không phải số điện thoại Việt Nam hợp lệ');
      if (r.area_code && !areaMap.has(r.area_code)) bad('area_code', `không có khu vực mã "${r.area_code}"`);
      if (r.category_code && !catMap.has(r.category_code)) bad('category_code', `không có lĩnh vực mã "${r.category_code}"`);
      if (!r.content) bad('content', 'bắt buộc');
      if (r.content.length > 10000) bad('content', 'dài tối đa 10000 ký tự');
      if (r.reporter_name.length > 120) bad('reporter_name', 'dài tối đa 120 ký tự');
      const unit = r.unit_code ? unitMap.get(r.unit_code) : undefined;
      if (r.unit_code && !unit) bad('unit_code', `không có đơn vị mã "${r.unit_code}"`);
      let status = r.status as TicketStatus;
      const derivedStatus = !r.status;
      if (r.status && !(STATUSES as readonly string[]).includes(r.status)) {
        bad('status', `phải là một trong: ${STATUSES.join(', ')}`);
        continue; // the checks below depend on a known status
      }
      if (derivedStatus) status = resolvedAt ? 'resolved' : r.unit_code ? 'assigned' : 'received';
      const open = OPEN_STATUSES.includes(status);
      if (open && resolvedAt) bad('resolved_at', `phải để trống khi trạng thái là ${status}`);
      if (!open && !resolvedAt && r.status) bad('resolved_at', `bắt buộc khi trạng thái là ${status} (thời điểm kết thúc)`);
      if ((status === 'assigned' || status === 'in_progress') && !r.unit_code) bad('unit_code', `bắt buộc khi trạng thái là ${status}`);
      if (status === 'received' && r.unit_code) bad('unit_code', 'phải để trống khi trạng thái là received (chờ phân công)');
      if (open && unit && !unit.active) bad('unit_code', `đơn vị "${r.unit_code}" đã ngừng hoạt động; phản ánh đang xử lý phải giao cho đơn vị đang hoạt động`);
      if ((status === 'resolved' || status === 'closed') && !r.resolution) bad('resolution', `bắt buộc khi trạng thái là ${status}`);
      if (!rowOk) continue;
      const category = r.category_code ? catMap.get(r.category_code)! : null;
      const area = r.area_code ? areaMap.get(r.area_code)! : null;
      const fields = {
        code: r.code || '',
        reporterName: r.reporter_name || 'Không rõ',
        reporterPhone: phone,
        reporterEmail: null,
        address: null,
        content: r.content,
      };
      const areaNames = area ? [area.name, area.parent_name ?? ''].filter(Boolean) : [];
      // a stated deadline is kept; otherwise the category's rule gives it (the warning instant follows either way)
      const deadline = dueAt
        ? { dueAt, warnAt: this.deadlines.warnAt(receivedAt!, dueAt, category?.deadline_mode ?? 'working') }
        : this.deadlines.deadline(receivedAt!, category ? { deadlineHours: category.deadline_hours, deadlineMode: category.deadline_mode } : null);
      rows.push({
        line,
        derivedStatus,
        areaNames,
        t: {
          ...fields,
          channel: r.channel as Channel,
          status,
          areaCode: area?.code ?? null,
          categoryCode: category?.code ?? null,
          assignedUnitCode: r.unit_code || null,
          receivedAt: receivedAt!,
          dueAt: deadline.dueAt,
          warnAt: deadline.warnAt,
          resolvedAt: status === 'resolved' || status === 'closed' ? resolvedAt : null,
          closedAt: status === 'closed' ? resolvedAt : null,
          rejectedAt: status === 'rejected' ? resolvedAt : null,
          resolution: r.resolution || null,
          urgent: category?.urgent ?? false,
          searchText: ticketSearchText(fields, areaNames),
          createdAt: now,
          updatedAt: now,
        },
      });
    }
    if (problems.length) {
      throw unprocessable('IMPORT_INVALID', `Tệp có ${new Set(problems.map((p) => p.line)).size} dòng không hợp lệ; chưa nhập dòng nào.`, { errors: problems });
    }

    const actor = actorOf(user);
    return this.ds.transaction(async (m) => {
      for (const row of rows) {
        if (!row.t.code) {
          do row.t.code = newTicketCode();
          while (seen.has(row.t.code) || (await m.existsBy(Ticket, { code: row.t.code })));
          seen.set(row.t.code, row.line);
          row.t.searchText = ticketSearchText(row.t as Ticket, row.areaNames);
        }
        // rows without a unit and without a stated status are routed like any new ticket
        if (row.derivedStatus && !row.t.assignedUnitCode) {
          const decision = await this.routing.route(m, { categoryCode: row.t.categoryCode ?? null, areaCode: row.t.areaCode ?? null });
          if (decision.unitCode) {
            row.t.assignedUnitCode = decision.unitCode;
            row.t.status = 'assigned';
          }
        }
      }
      // the ticket's history as far as the old system knows it, so that reports as of a past instant see it:
      // received at received_at (open, with its unit), ended at resolved_at when it has ended; then the import itself
      await this.lifecycle.recordImported(m, rows.map((r) => r.t), (ticketId, i) => {
        const r = rows[i];
        const t = r.t;
        const open = OPEN_STATUSES.includes(t.status!);
        const base = { ticketId, actorId: null, actorName: 'Hệ thống cũ', toUnitCode: t.assignedUnitCode ?? null, dueAt: t.dueAt ?? null, internal: false };
        const history = [
          { ...base, type: 'created', at: t.receivedAt!, toStatus: open ? t.status! : t.assignedUnitCode ? 'assigned' as const : 'received' as const, note: 'Tiếp nhận (theo dữ liệu của hệ thống cũ).', data: {} as never },
        ];
        const endedAt = t.resolvedAt ?? t.rejectedAt ?? t.closedAt;
        if (!open && endedAt) history.push({ ...base, type: t.status!, at: endedAt, toStatus: t.status!, note: t.resolution ?? null as never, data: {} as never });
        return [
          ...history,
          { ...base, type: 'imported', at: now, actorId: actor.id, actorName: actor.name, toStatus: t.status!, note: 'Nhập từ dữ liệu của hệ thống cũ.', data: { line: r.line } as never },
        ];
      });
      return { imported: rows.length };
    });
  }
}

/**
 * Parses the whole file: the header's column names and each record's cells with the line it starts on (as an editor
 * numbers the file: the header is line 1, a quoted cell may span several lines). An unreadable file answers 422.
 */
function readCsv(csv: string): { header: string[]; records: Array<{ cells: string[]; line: number }> } {
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // one kind of line break (csv-parse miscounts the lines of a CRLF file whose quoted cells span lines)
    parsed = parse(csv.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), { skip_empty_lines: true, trim: true, info: true, relax_column_count: true }) as unknown as typeof parsed;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw unprocessable('IMPORT_INVALID', 'Tệp CSV không đọc được.', {
      errors: [{ line: line ?? 0, field: 'file', reason: `tệp không đúng định dạng CSV (ví dụ một ô mở ngoặc kép mà không đóng): ${(e as Error).message}` }],
    });
  }
  // info.lines counts the lines read up to the end of the record; newlines inside quoted cells give its first line
  const records = parsed.map(({ record, info }) => ({
    cells: record,
    line: info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0),
  }));
  const [head, ...rest] = records;
  return { header: head ? head.cells : [], records: rest };
}

/** An ISO-8601 instant with an offset; null when malformed or when the date does not exist (30 February). */
function parseIsoWithOffset(text: string): Date | null {
  const m = ISO_WITH_OFFSET.exec(text);
  if (!m) return null;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return null;
  // Date accepts 2021-02-30 and rolls it over to 2 March: compare the calendar date back in the stated offset
  const offset = m[3] === 'Z' ? 0 : (m[3].startsWith('-') ? -1 : 1) * (Number(m[3].slice(1, 3)) * 60 + Number(m[3].slice(4, 6)));
  const local = new Date(d.getTime() + offset * 60_000).toISOString();
  return local.slice(0, 16) === text.slice(0, 16) ? d : null;
}
