import type { EntityManager } from 'typeorm';
import { nationalPhone } from '../common/phone.js';
import { foldText } from '../common/text.js';
import { loadUnitRefs, type UnitRef } from '../directory/unit-label.js';
import type { TicketEvent } from './ticket-event.entity.js';
import { OPEN_STATUSES, type Ticket } from './ticket.entity.js';
import { CHANNEL_LABELS, STATUS_LABELS } from './ticket-state.js';

interface AreaRef { code: string; name: string; districtName: string | null }
interface CategoryRef { code: string; name: string }

/** What a ticket's view says of one of its attachments. */
export interface AttachmentRef {
  id: string;
  kind: string;
  filename: string | null;
  contentType: string | null;
  sizeBytes: number | null;
  /** Where its content is kept; null for a platform's link, or a file not yet imported from UPLOAD_DIR. */
  storage: string | null;
  url: string | null;
}

export interface TicketRefs {
  units: Map<string, UnitRef>;
  areas: Map<string, AreaRef>;
  categories: Map<string, CategoryRef>;
  duplicates: Map<string, string>;
  /** The attachments of each ticket (by ticket id), oldest first; none when absent (a ticket just created). */
  attachments?: Map<string, AttachmentRef[]>;
}

/** Where staff download an attachment's content (bearer token; the staff pages have their own address). */
export const attachmentDownloadPath = (code: string, id: string) => `/api/tickets/${encodeURIComponent(code)}/attachments/${id}`;

/** Names of the units, areas and categories a page of tickets refers to, and the tickets' attachments. */
export async function loadTicketRefs(m: EntityManager, tickets: Ticket[], extraUnitCodes: Array<string | null> = []): Promise<TicketRefs> {
  const areaCodes = [...new Set(tickets.map((t) => t.areaCode).filter(Boolean))];
  const catCodes = [...new Set(tickets.map((t) => t.categoryCode).filter(Boolean))];
  const dupIds = [...new Set(tickets.map((t) => t.duplicateOfId).filter(Boolean))];
  const [units, areaRows, catRows, dupRows, attachmentRows] = await Promise.all([
    loadUnitRefs(m, [...tickets.map((t) => t.assignedUnitCode), ...extraUnitCodes]),
    areaCodes.length
      ? m.query(`SELECT a.code, a.name, d.name AS district_name FROM areas a LEFT JOIN areas d ON d.code = a.parent_code AND d.level = 'district' WHERE a.code = ANY($1)`, [areaCodes])
      : [],
    catCodes.length ? m.query(`SELECT code, name FROM categories WHERE code = ANY($1)`, [catCodes]) : [],
    dupIds.length ? m.query(`SELECT id, code FROM tickets WHERE id = ANY($1)`, [dupIds]) : [],
    tickets.length
      ? m.query(`SELECT id, ticket_id, kind, filename, content_type, size_bytes, storage, url FROM attachments
                  WHERE ticket_id = ANY($1) ORDER BY created_at, id`, [tickets.map((t) => t.id)]) as Promise<AttachmentRow[]>
      : [],
  ]);
  const attachments = new Map<string, AttachmentRef[]>();
  for (const a of attachmentRows) {
    const list = attachments.get(a.ticket_id) ?? [];
    list.push({ id: a.id, kind: a.kind, filename: a.filename, contentType: a.content_type, sizeBytes: a.size_bytes, storage: a.storage, url: a.url });
    attachments.set(a.ticket_id, list);
  }
  return {
    units,
    areas: new Map(areaRows.map((r: { code: string; name: string; district_name: string | null }) => [r.code, { code: r.code, name: r.name, districtName: r.district_name }])),
    categories: new Map(catRows.map((r: CategoryRef) => [r.code, { code: r.code, name: r.name }])),
    duplicates: new Map(dupRows.map((r: { id: string; code: string }) => [r.id, r.code])),
    attachments,
  };
}

interface AttachmentRow {
  id: string;
  ticket_id: string;
  kind: string;
  filename: string | null;
  content_type: string | null;
  size_bytes: number | null;
  storage: string | null;
  url: string | null;
}

/**
 * An attachment as the ticket shows it: what it is, and where to get it: `downloadUrl` for a file we keep, `url` for
 * a platform's link (Zalo, Facebook); neither for a location or a sticker.
 */
export function attachmentView(code: string, a: AttachmentRef) {
  return {
    id: a.id,
    kind: a.kind,
    filename: a.filename,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    downloadUrl: a.storage ? attachmentDownloadPath(code, a.id) : null,
    url: a.url,
  };
}

export function ticketView(t: Ticket, refs: TicketRefs, now: Date) {
  const unit = t.assignedUnitCode ? refs.units.get(t.assignedUnitCode) : undefined;
  const area = t.areaCode ? refs.areas.get(t.areaCode) : undefined;
  const category = t.categoryCode ? refs.categories.get(t.categoryCode) : undefined;
  const open = OPEN_STATUSES.includes(t.status);
  return {
    code: t.code,
    status: t.status,
    statusLabel: STATUS_LABELS[t.status],
    channel: t.channel,
    channelLabel: CHANNEL_LABELS[t.channel],
    reporterName: t.reporterName,
    reporterPhone: t.reporterPhone,
    reporterPhoneNational: nationalPhone(t.reporterPhone),
    reporterEmail: t.reporterEmail,
    area: area ? { code: area.code, name: area.name, districtName: area.districtName } : t.areaCode ? { code: t.areaCode, name: t.areaCode, districtName: null } : null,
    address: t.address,
    category: category ?? (t.categoryCode ? { code: t.categoryCode, name: t.categoryCode } : null),
    content: t.content,
    urgent: t.urgent,
    assignedUnit: unit ? { code: unit.code, name: unit.displayName } : null,
    receivedAt: t.receivedAt.toISOString(),
    dueAt: t.dueAt?.toISOString() ?? null,
    overdue: open && !!t.dueAt && t.dueAt.getTime() < now.getTime(),
    resolvedAt: t.resolvedAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null,
    rejectedAt: t.rejectedAt?.toISOString() ?? null,
    resolution: t.resolution,
    rejectReason: t.rejectReason,
    duplicateOf: t.duplicateOfId ? refs.duplicates.get(t.duplicateOfId) ?? null : null,
    attachments: (refs.attachments?.get(t.id) ?? []).map((a) => attachmentView(t.code, a)),
    version: t.version,
  };
}

export function eventView(e: TicketEvent, units: Map<string, UnitRef>) {
  return {
    type: e.type,
    at: e.at.toISOString(),
    actor: e.actorName,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    fromUnit: e.fromUnitCode ? { code: e.fromUnitCode, name: units.get(e.fromUnitCode)?.displayName ?? e.fromUnitCode } : null,
    toUnit: e.toUnitCode ? { code: e.toUnitCode, name: units.get(e.toUnitCode)?.displayName ?? e.toUnitCode } : null,
    note: e.note,
    internal: e.internal,
    data: e.data,
  };
}

/** What the text search looks in, folded (no diacritics): code, reporter, phone, address, area, content. */
export function ticketSearchText(t: Pick<Ticket, 'code' | 'reporterName' | 'reporterPhone' | 'reporterEmail' | 'address' | 'content'>, areaNames: string[] = []): string {
  return foldText([t.code, t.reporterName, t.reporterPhone, nationalPhone(t.reporterPhone), t.reporterEmail, t.address, ...areaNames, t.content].filter(Boolean).join(' \u2022 '));
}

/** Names of an area and its parents ("Xã Hòa Lợi", "Huyện Châu Thành"), for the search text. */
export async function areaNamesFor(m: EntityManager, areaCode: string | null): Promise<string[]> {
  if (!areaCode) return [];
  const rows: Array<{ name: string }> = await m.query(
    `SELECT a.name FROM areas a WHERE a.code = $1 UNION ALL SELECT p.name FROM areas a JOIN areas p ON p.code = a.parent_code WHERE a.code = $1 AND p.level = 'district'`, [areaCode]);
  return rows.map((r) => r.name);
}
