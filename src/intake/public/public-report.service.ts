import { FeedbackLinks } from './feedback-link.js';
import { safeFilename } from '../../attachments/safe-filename.js';
import { createReadStream, type ReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../../config/settings.js';
import { StoredAttachments } from '../../attachments/stored-attachments.service.js';
import { Clock } from '../../common/clock.js';
import { AppError, badRequest } from '../../common/errors.js';
import { normalizeVietnamesePhone } from '../../common/phone.js';
import { compareVietnamese } from '../../common/text.js';
import { formatDateTimeVi } from '../../common/vn-time.js';
import { loadUnitRefs, type UnitRef } from '../../directory/unit-label.js';
import { normalizeTicketCode } from '../../tickets/ticket-code.js';
import { findTicketByCodeAndPhone, findTicketById, publicTicketEvents, type PublicEventRow } from '../../tickets/ticket-lookups.js';
import { CHANNEL_LABELS, REJECT_REASON_LABELS, STATUS_LABELS } from '../../tickets/ticket-state.js';
import type { TicketStatus } from '../../tickets/ticket.entity.js';
import { IntakeService } from '../intake.service.js';
import { duplicateOutcomeText, sameReporter } from './duplicate-outcome.js';
import type { StoredPhoto } from './photo-storage.js';

/** A report from the citizen app or the web form, already checked field by field. */
export interface PublicReportInput {
  fullName: string;
  phone?: string | null;
  email?: string | null;
  areaCode?: string | null;
  address?: string | null;
  categoryCode?: string | null;
  content: string;
}

/** The report's tracking code; created is false when an earlier request with the same idempotency key made it. */
export interface PublicReportResult {
  code: string;
  created: boolean;
}

export { IDEMPOTENCY_KEY_PATTERN } from '../../common/idempotency-key.js';

export interface PublicTimelineEntry {
  at: string;
  label: string;
}

/**
 * What a citizen may read about their ticket: nothing internal, no staff names, and of a ticket theirs was merged
 * into only its state (never another citizen's words: see duplicateOutcome).
 */
export interface PublicTicketView {
  /** For an answered ticket: the page where the citizen says whether it settled the matter and rates it. */
  feedbackHref?: string;
  code: string;
  status: TicketStatus;
  statusLabel: string;
  unit: string | null;
  receivedAt: string;
  /** What the citizen sent (their own ticket's content, whatever it was merged into). */
  content: string;
  /** The deadline in force (of the ticket kept, for a merged one); null when none applies. */
  dueAt: string | null;
  /** Past the deadline: still open after it, or answered after it. */
  overdue: boolean;
  timeline: PublicTimelineEntry[];
  /** The answer, once given: the ticket's own, or that of the ticket it was merged into when both are the same reporter's. */
  answer: string | null;
  /** For a ticket merged into another citizen's: the neutral sentence that tells the outcome instead of the answer. */
  duplicateOutcome: string | null;
}

const OPEN: ReadonlySet<TicketStatus> = new Set(['received', 'assigned', 'in_progress']);

export interface DistrictChoice {
  code: string;
  name: string;
  communes: Array<{ code: string; name: string }>;
}

export interface FormChoices {
  districts: DistrictChoice[];
  categories: Array<{ code: string; name: string }>;
}

const FULL_CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

/** The same answer for an unknown code and for a known code with another phone, so codes cannot be probed. */
export const trackingNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'NOT_FOUND', 'Không tìm thấy phản ánh với mã phản ánh và số điện thoại này.');

const unitName = (units: Map<string, UnitRef>, code: string | null) => (code ? units.get(code)?.displayName ?? null : null);

/**
 * The citizen's words for an event, or null for events the citizen does not see. A list of what is shown, not of
 * what is hidden: a new kind of event stays internal until it is added here. Labels name units, never people.
 */
export function publicEventLabel(e: PublicEventRow, units: Map<string, UnitRef>): string | null {
  const unit = unitName(units, e.toUnitCode) ?? 'đơn vị xử lý';
  switch (e.type) {
    case 'created':
    case 'imported':
      return 'Tổng đài 1022 đã tiếp nhận phản ánh';
    case 'assigned':
      return `Đã chuyển đến ${unit} để xử lý`;
    case 'transferred':
      return `Đã chuyển sang ${unit} để xử lý`;
    case 'unit_merged':
      return `Do sắp xếp lại đơn vị, phản ánh được chuyển sang ${unit}`;
    case 'accepted':
      return `${unit} đã tiếp nhận và đang xử lý`;
    case 'returned':
      return 'Tổng đài 1022 đang xem xét lại đơn vị xử lý phù hợp';
    case 'resolved':
      return `${unit} đã có kết quả xử lý`;
    case 'closed':
      return 'Phản ánh đã kết thúc';
    case 'reopened':
      return 'Phản ánh được mở lại để tiếp tục xử lý';
    case 'deadline_extended':
      return e.dueAt ? `Thời hạn xử lý được gia hạn đến ${formatDateTimeVi(e.dueAt)}` : 'Thời hạn xử lý được gia hạn';
    case 'citizen_message':
      return 'Người dân gửi bổ sung thông tin';
    case 'rejected': {
      const reason = (e.data as { reason?: string } | null)?.reason;
      if (reason === 'duplicate') return 'Phản ánh trùng nội dung với một phản ánh khác và được gộp để xử lý chung';
      if (reason === 'out_of_scope') return `Không xử lý: ${REJECT_REASON_LABELS.out_of_scope.toLowerCase()} của Tổng đài 1022`;
      if (reason === 'spam') return `Không xử lý: ${REJECT_REASON_LABELS.spam.toLowerCase()}`;
      return 'Phản ánh không được xử lý';
    }
    case 'comment':
      // only comments staff chose to make public reach this point (internal ones are filtered in SQL)
      return e.note ? `Tổng đài 1022 thông báo: ${e.note}` : null;
    default:
      return null;
  }
}

/** Intake of the citizen app and the web form, and what a citizen may read about a ticket. */
@Injectable()
export class PublicReportService {
  constructor(
    private readonly ds: DataSource,
    private readonly intake: IntakeService,
    private readonly clock: Clock,
    private readonly attachments: StoredAttachments,
    private readonly settings: Settings,
    private readonly feedbackLinks: FeedbackLinks,
  ) {}

  /**
   * Takes the report in through the intake pipeline (IntakeService.receive): creates the ticket, keeps the photos (from
   * their temporary files in UPLOAD_DIR/.incoming) in the attachment store and records them, and queues the
   * acknowledgement, in one transaction (StoredAttachments.transaction): a
   * refused report leaves neither a ticket nor a photo. The temporary files are removed before the answer, whatever
   * it is.
   *
   * With an idempotency key (the app's `Idempotency-Key` header, or the hash of the web form's render token) a
   * request is made once: the key is recorded as a ticket source (channel, external_id = key) in the ticket's
   * transaction, under an advisory lock on the key, so a repetition, even one running at the same time, finds it
   * and gets the first request's code, creating nothing, sending no second acknowledgement and keeping none of
   * its photos (created: false).
   */
  async create(
    channel: 'app' | 'web', input: PublicReportInput, photos: StoredPhoto[] = [], idempotencyKey: string | null = null,
    /** Who sent it for the citizen (an Open311 client): the author the ticket's 'created' event names. */
    origin: { actorName?: string } = {},
  ): Promise<PublicReportResult> {
    if (!input.phone && !input.email) {
      throw badRequest([
        { field: 'phone', reason: 'cần số điện thoại hoặc e-mail để nhận kết quả' },
        { field: 'email', reason: 'cần số điện thoại hoặc e-mail để nhận kết quả' },
      ]);
    }
    let streams: ReadStream[] = [];
    try {
      const now = this.clock.now();
      streams = photos.map((p) => createReadStream(p.path));
      // the intake pipeline: a repetition of the key (even one running at the same time) finds the first one's ticket
      const { ticketCode, outcome } = await this.attachments.transaction((m, keep) => this.intake.receive(m, {
        channel,
        externalId: idempotencyKey,
        senderId: null,
        reporterName: input.fullName,
        actorName: origin.actorName ?? `Người dân qua ${CHANNEL_LABELS[channel]}`,
        reporterPhone: input.phone ?? null,
        reporterEmail: input.email ?? null,
        areaCode: input.areaCode ?? null,
        address: input.address ?? null,
        categoryCode: input.categoryCode ?? null,
        content: input.content,
        attachments: [],
        files: photos.map((p, i) => ({
          kind: 'image', filename: safeFilename(p.originalname), contentType: p.detectedType,
          sizeBytes: p.size, data: { sha256: p.sha256 }, createdAt: now, content: streams[i],
        })),
        receivedAt: now,
      }, keep));
      return { code: ticketCode, created: outcome === 'created' };
    } finally {
      // kept in the store, or refused, or (a repetition) not wanted: the temporary files go before the answer, and a
      // file a repetition did not read is closed
      for (const s of streams) s.destroy();
      await Promise.all(photos.map((p) => rm(p.path, { force: true }).catch(() => undefined)));
    }
  }

  /** The citizen's view of a ticket, found by code AND phone in one query; anything else is trackingNotFound(). */
  async track(code: string | undefined, phone: string | undefined): Promise<PublicTicketView> {
    const normalizedCode = normalizeTicketCode(code ?? '');
    const e164 = normalizeVietnamesePhone(phone);
    if (!FULL_CODE.test(normalizedCode) || !e164) throw trackingNotFound();
    const m = this.ds.manager;
    const ticket = await findTicketByCodeAndPhone(m, normalizedCode, e164);
    if (!ticket) throw trackingNotFound();

    // a ticket merged into another as its duplicate follows that one: its state, and its answer when it is the same
    // reporter's (see duplicateOutcome)
    const original = ticket.duplicateOfId ? await findTicketById(m, ticket.duplicateOfId) : null;
    const shown = original ?? ticket;
    const own = await publicTicketEvents(m, ticket.id);
    let events = own;
    if (original) {
      const mergedAt = own.filter((e) => e.type === 'rejected').at(-1)?.at ?? ticket.updatedAt;
      // of the ticket kept, only what happened to it (its state), never what was said to its own citizen
      events = [...own, ...(await publicTicketEvents(m, original.id)).filter((e) => e.at > mergedAt && e.toStatus !== null && e.type !== 'created')];
    }
    const units = await loadUnitRefs(m, [shown.assignedUnitCode, ...events.map((e) => e.toUnitCode)]);
    const timeline: PublicTimelineEntry[] = [];
    for (const e of events) {
      const label = publicEventLabel(e, units);
      if (label) timeline.push({ at: e.at.toISOString(), label });
    }
    const answered = shown.status === 'resolved' || shown.status === 'closed';
    // another citizen's ticket: its state only, told in a neutral sentence; its answer may name them or their home
    const foreign = original !== null && !sameReporter(ticket, original);
    // a deadline applies to a ticket being handled or answered, not to one refused
    const dueAt = shown.status === 'rejected' ? null : shown.dueAt;
    const now = this.clock.now();
    const overdue = dueAt !== null && (OPEN.has(shown.status) ? now > dueAt : shown.resolvedAt !== null && shown.resolvedAt > dueAt);
    return {
      code: ticket.code,
      status: shown.status,
      statusLabel: STATUS_LABELS[shown.status],
      unit: unitName(units, shown.assignedUnitCode),
      receivedAt: ticket.receivedAt.toISOString(),
      content: ticket.content,
      dueAt: dueAt?.toISOString() ?? null,
      overdue,
      timeline,
      answer: answered && !foreign ? shown.resolution : null,
      duplicateOutcome: foreign ? duplicateOutcomeText(shown.status) : null,
      // an answered ticket of one's own: the page to say whether it settled the matter, and to rate it
      ...(answered && !original ? { feedbackHref: this.feedbackLinks.href(ticket.code, ticket.id) } : {}),
    };
  }

  /** Records an app installation once; false when this installationId was registered before. */
  async registerInstall(platform: 'android' | 'ios', installationId: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO app_installs (installation_id, platform, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (installation_id) DO NOTHING RETURNING id`,
      [installationId, platform, this.clock.now()],
    );
    return rows.length === 1;
  }

  /**
   * The web form's choices: the communes of the installed province (PROVINCE_CODE) grouped by district, or in one
   * group under the province's name on the 2025 map (no districts), and the categories in use.
   */
  async formChoices(): Promise<FormChoices> {
    const [areaRows, categoryRows] = await Promise.all([
      this.ds.query(
        `SELECT d.code AS district_code, d.name AS district_name, c.code, c.name
           FROM areas d JOIN areas c ON c.parent_code = d.code AND c.level = 'commune'
          WHERE (d.parent_code = $1 AND d.level = 'district') OR (d.code = $1 AND d.level = 'province')`,
        [this.settings.PROVINCE_CODE],
      ) as Promise<Array<{ district_code: string; district_name: string; code: string; name: string }>>,
      this.ds.query(`SELECT code, name FROM categories WHERE active`) as Promise<Array<{ code: string; name: string }>>,
    ]);
    const districts = new Map<string, DistrictChoice>();
    for (const r of areaRows) {
      let d = districts.get(r.district_code);
      if (!d) districts.set(r.district_code, (d = { code: r.district_code, name: r.district_name, communes: [] }));
      d.communes.push({ code: r.code, name: r.name });
    }
    const byName = (a: { name: string }, b: { name: string }) => compareVietnamese(a.name, b.name);
    const list = [...districts.values()].sort(byName);
    for (const d of list) d.communes.sort(byName);
    return { districts: list, categories: categoryRows.sort(byName) };
  }
}

