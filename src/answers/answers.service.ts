import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { AuditLog } from '../audit/audit-log.js';
import { displayName, type AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { badRequest, conflict, forbidden, notFound, type FieldProblem } from '../common/errors.js';
import { foldText } from '../common/text.js';
import { localDate } from '../common/vn-time.js';
import { ticketForPublication, type TicketForPublication } from '../tickets/ticket-publication.js';
import { TicketsService } from '../tickets/tickets.service.js';
import { PublishedAnswer } from './published-answer.entity.js';
import { personalDetailsIn, personalDetailsMessage, redactText, type PersonalKind, type ReporterDetails } from './redaction.js';

/** Who publishes and withdraws answers. */
export const PUBLISHER_ROLES: readonly AuthUser['role'][] = ['coordinator', 'admin'];

/** Only a ticket that has its answer may be published. */
export const PUBLISHABLE_STATUSES = ['resolved', 'closed'];

export const PUBLIC_PAGE_SIZE = 10;

/** What a coordinator writes for the public: a title, the question, the answer (each checked before it is kept). */
export interface AnswerText {
  title: string;
  question: string;
  answer: string;
}

export const TEXT_LIMITS: Record<keyof AnswerText, { min: number; max: number; label: string }> = {
  title: { min: 5, max: 200, label: 'Tiêu đề' },
  question: { min: 10, max: 5000, label: 'Câu hỏi' },
  answer: { min: 10, max: 5000, label: 'Câu trả lời' },
};

/** A search of the public list: words (without diacritics or with), commune, category, page. */
export interface AnswerSearch {
  q: string;
  area: string;
  category: string;
  page: number;
}

/** An answer as the public sees it (the ticket's code is never part of it). */
export interface PublicAnswer {
  id: string;
  title: string;
  question: string;
  answer: string;
  areaName: string | null;
  categoryName: string | null;
  unitName: string | null;
  receivedOn: string;
  resolvedOn: string | null;
  publishedAt: Date;
}

const reporterOf = (t: TicketForPublication): ReporterDetails =>
  ({ name: t.reporterName, phone: t.reporterPhone, email: t.reporterEmail, address: t.address });

const publicView = (a: PublishedAnswer): PublicAnswer => ({
  id: a.id, title: a.title, question: a.question, answer: a.answer, areaName: a.areaName, categoryName: a.categoryName,
  unitName: a.unitName, receivedOn: a.receivedOn, resolvedOn: a.resolvedOn, publishedAt: a.publishedAt,
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** The first sentence of the question, short enough for a title. */
function suggestedTitle(question: string): string {
  const first = question.replace(/\s+/g, ' ').trim().split(/(?<=[.?!])\s/)[0] ?? '';
  return first.length > 120 ? `${first.slice(0, 119).trimEnd()}…` : first;
}

/**
 * Published answers (table published_answers, this folder its only reader and writer): the draft a coordinator
 * starts from (the ticket's texts with the personal details hidden), the publication (refused while a text still
 * holds a phone number, an e-mail, the reporter's name or address), the withdrawal, both in the audit log; and the
 * public list, searched without diacritics. The ticket is read through src/tickets (ticketForPublication).
 */
@Injectable()
export class AnswersService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly tickets: TicketsService,
  ) {}

  /** The published (not withdrawn) answer text of each of these tickets that has one, by ticket id (Open311's status notes). */
  async publishedAnswerTexts(ticketIds: string[]): Promise<Map<string, string>> {
    if (!ticketIds.length) return new Map();
    const rows = await this.ds.getRepository(PublishedAnswer).find({ select: { ticketId: true, answer: true }, where: { ticketId: In(ticketIds), withdrawnAt: IsNull() } });
    return new Map(rows.map((r) => [r.ticketId, r.answer]));
  }

  private requirePublisher(user: AuthUser): void {
    if (!PUBLISHER_ROLES.includes(user.role)) throw forbidden('Chỉ điều phối viên và quản trị viên được công bố hỏi đáp.');
  }

  /** The ticket, if it has its answer (resolved or closed); 409 otherwise, 404 for an unknown code. */
  private async publishable(user: AuthUser, code: string): Promise<TicketForPublication> {
    this.requirePublisher(user);
    const t = await ticketForPublication(this.ds.manager, user, code, this.clock.now());
    if (!PUBLISHABLE_STATUSES.includes(t.status)) {
      throw conflict('NOT_RESOLVED', `Phản ánh ${t.code} chưa có kết quả xử lý (${t.statusLabel.toLowerCase()}): chỉ công bố được phản ánh đã xử lý hoặc đã kết thúc.`);
    }
    return t;
  }

  /**
   * What the form starts from: the publication of this ticket if there is one (published or withdrawn), else the
   * ticket's content and resolution with the personal details replaced; and the facts the public will see.
   */
  async draft(user: AuthUser, code: string) {
    const t = await this.publishable(user, code);
    const existing = await this.ds.getRepository(PublishedAnswer).findOneBy({ ticketId: t.id });
    const reporter = reporterOf(t);
    const question = redactText(t.content, reporter);
    const text: AnswerText = existing
      ? { title: existing.title, question: existing.question, answer: existing.answer }
      : { title: suggestedTitle(question), question, answer: redactText(t.resolution ?? '', reporter) };
    return { ticket: t, text, existing, facts: this.factsOf(t), hidden: question !== t.content || text.answer !== (t.resolution ?? '') };
  }

  /** The facts shown beside the texts, as the public will see them. */
  private factsOf(t: TicketForPublication) {
    return {
      areaName: t.area ? (t.area.districtName ? `${t.area.name}, ${t.area.districtName}` : t.area.name) : null,
      categoryName: t.category?.name ?? null,
      unitName: t.assignedUnit?.name ?? null,
      receivedOn: localDate(new Date(t.receivedAt)),
      resolvedOn: t.resolvedAt ? localDate(new Date(t.resolvedAt)) : t.closedAt ? localDate(new Date(t.closedAt)) : null,
    };
  }

  /** The texts' problems, by field: missing, too short or long, or still holding personal details. */
  check(text: AnswerText, t: TicketForPublication): FieldProblem[] {
    const problems: FieldProblem[] = [];
    for (const field of Object.keys(TEXT_LIMITS) as Array<keyof AnswerText>) {
      const value = text[field].trim();
      const { min, max, label } = TEXT_LIMITS[field];
      if (!value) problems.push({ field, reason: `Vui lòng nhập ${label.toLowerCase()}.` });
      else if (value.length < min) problems.push({ field, reason: `${label} quá ngắn (ít nhất ${min} ký tự).` });
      else if (value.length > max) problems.push({ field, reason: `${label} quá dài (tối đa ${max} ký tự).` });
      else {
        const kinds: PersonalKind[] = personalDetailsIn(value, reporterOf(t));
        if (kinds.length) problems.push({ field, reason: personalDetailsMessage(kinds) });
      }
    }
    return problems;
  }

  /** The texts checked for the preview (400 with each field's problem, nothing kept). */
  async preview(user: AuthUser, code: string, text: AnswerText) {
    const t = await this.publishable(user, code);
    const problems = this.check(text, t);
    if (problems.length) throw badRequest(problems, 'Chưa công bố được: vui lòng sửa các ô được đánh dấu.');
    return { ticket: t, facts: this.factsOf(t) };
  }

  /**
   * Publishes (or edits the publication of) the ticket's answer, in one transaction with its audit entry; the
   * texts are checked again here, whatever the page did.
   */
  async publish(user: AuthUser, code: string, text: AnswerText): Promise<PublishedAnswer> {
    const t = await this.publishable(user, code);
    const problems = this.check(text, t);
    if (problems.length) throw badRequest(problems, 'Chưa công bố được: vui lòng sửa các ô được đánh dấu.');
    const facts = this.factsOf(t);
    const now = this.clock.now();
    const clean = { title: text.title.trim(), question: text.question.trim(), answer: text.answer.trim() };
    const written = this.ds.transaction(async (m) => {
      const repo = m.getRepository(PublishedAnswer);
      const before = await repo.findOne({ where: { ticketId: t.id }, lock: { mode: 'pessimistic_write' } });
      const row = repo.merge(before ?? repo.create({ ticketId: t.id }), {
        ticketCode: t.code,
        ...clean,
        areaCode: t.area?.code ?? null,
        areaName: facts.areaName,
        categoryCode: t.category?.code ?? null,
        categoryName: facts.categoryName,
        unitName: facts.unitName,
        receivedOn: facts.receivedOn,
        resolvedOn: facts.resolvedOn,
        publishedAt: now,
        publishedById: user.id,
        publishedByName: displayName(user),
        withdrawnAt: null,
        searchText: foldText([clean.title, clean.question, clean.answer, facts.areaName, facts.categoryName, facts.unitName].filter(Boolean).join(' \u2022 ')),
      });
      const saved = await repo.save(row);
      await this.audit.record(m, user, {
        action: before ? 'published_answer.update' : 'published_answer.publish',
        subjectType: 'published_answer',
        subjectId: saved.id,
        before: before ? { ticketCode: before.ticketCode, ...this.auditText(before) } : null,
        after: { ticketCode: saved.ticketCode, ...this.auditText(saved) },
      });
      return saved;
    });
    // two first publications of one ticket at once: the unique ticket_id lets one in; the other is told
    return written.catch((e: unknown) => {
      if ((e as { driverError?: { code?: string } })?.driverError?.code === '23505') {
        throw conflict('ALREADY_PUBLISHED', `Phản ánh ${t.code} vừa được người khác công bố. Vui lòng mở lại trang công bố để xem bài hiện tại.`);
      }
      throw e;
    });
  }

  private auditText(a: PublishedAnswer) {
    return { title: a.title, question: a.question, answer: a.answer, withdrawnAt: a.withdrawnAt };
  }

  /** Takes a published answer off /hoi-dap (its row stays: publishing the ticket again brings it back, edited). */
  async withdraw(user: AuthUser, id: string): Promise<PublishedAnswer> {
    this.requirePublisher(user);
    if (!/^\d{1,15}$/.test(id)) throw notFound('Không tìm thấy bài hỏi đáp này.');
    return this.ds.transaction(async (m) => {
      const repo = m.getRepository(PublishedAnswer);
      const row = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw notFound('Không tìm thấy bài hỏi đáp này.');
      if (row.withdrawnAt) return row;
      const before = this.auditText(row);
      row.withdrawnAt = this.clock.now();
      await repo.save(row);
      await this.audit.record(m, user, {
        action: 'published_answer.withdraw', subjectType: 'published_answer', subjectId: row.id,
        before: { ticketCode: row.ticketCode, ...before }, after: { ticketCode: row.ticketCode, ...this.auditText(row) },
      });
      return row;
    });
  }

  /** The coordinator's list: every publication, the public ones first, newest first (at most 200). */
  async staffList(user: AuthUser): Promise<PublishedAnswer[]> {
    this.requirePublisher(user);
    return this.ds.getRepository(PublishedAnswer).createQueryBuilder('a')
      .orderBy('a.withdrawn_at IS NULL', 'DESC').addOrderBy('a.published_at', 'DESC').addOrderBy('a.id', 'DESC')
      .limit(200).getMany();
  }

  /** The tickets lately received that have their answer (resolved or closed), and whether each is published. */
  async recentlyAnswered(user: AuthUser) {
    this.requirePublisher(user);
    const list = await this.tickets.list(user, { status: PUBLISHABLE_STATUSES, page: 1, pageSize: 20 });
    const codes = list.items.map((i) => i.code);
    const published = codes.length
      ? await this.ds.getRepository(PublishedAnswer).createQueryBuilder('a').select(['a.id', 'a.ticketCode', 'a.withdrawnAt'])
        .where('a.ticket_code IN (:...codes)', { codes }).getMany()
      : [];
    const byCode = new Map(published.map((p) => [p.ticketCode, p]));
    return list.items.map((i) => ({
      code: i.code, content: i.content, statusLabel: i.statusLabel, resolvedAt: i.resolvedAt, categoryName: i.category?.name ?? null,
      publication: byCode.get(i.code) ?? null,
    }));
  }

  /** One page of the public list, newest first; `q` is matched without diacritics (trigram index on search_text). */
  async search(s: AnswerSearch): Promise<{ items: PublicAnswer[]; total: number; page: number; pages: number }> {
    const qb = this.ds.getRepository(PublishedAnswer).createQueryBuilder('a').where('a.withdrawn_at IS NULL');
    const words = foldText(s.q).split(' ').filter(Boolean).slice(0, 8);
    words.forEach((w, i) => qb.andWhere(`a.search_text LIKE :w${i} ESCAPE '\\'`, { [`w${i}`]: `%${escapeLike(w)}%` }));
    if (s.area) qb.andWhere('a.area_code = :area', { area: s.area });
    if (s.category) qb.andWhere('a.category_code = :category', { category: s.category });
    const total = await qb.getCount();
    const pages = Math.max(1, Math.ceil(total / PUBLIC_PAGE_SIZE));
    const page = Math.min(s.page, pages);
    const rows = await qb.orderBy('a.published_at', 'DESC').addOrderBy('a.id', 'DESC')
      .offset((page - 1) * PUBLIC_PAGE_SIZE).limit(PUBLIC_PAGE_SIZE).getMany();
    return { items: rows.map(publicView), total, page, pages };
  }

  /** The communes and categories that have public answers, for the filters. */
  async filterChoices(): Promise<{ areas: Array<{ code: string; name: string }>; categories: Array<{ code: string; name: string }> }> {
    const [areas, categories] = await Promise.all([
      this.ds.query(`SELECT DISTINCT ON (area_code) area_code AS code, area_name AS name FROM published_answers
                      WHERE withdrawn_at IS NULL AND area_code IS NOT NULL ORDER BY area_code, published_at DESC`),
      this.ds.query(`SELECT DISTINCT ON (category_code) category_code AS code, category_name AS name FROM published_answers
                      WHERE withdrawn_at IS NULL AND category_code IS NOT NULL ORDER BY category_code, published_at DESC`),
    ]) as [Array<{ code: string; name: string | null }>, Array<{ code: string; name: string | null }>];
    const named = (rows: Array<{ code: string; name: string | null }>) =>
      rows.map((r) => ({ code: r.code, name: r.name ?? r.code })).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
    return { areas: named(areas), categories: named(categories) };
  }

  /** One public answer; a withdrawn or unknown one is 404. */
  async publicAnswer(id: string): Promise<PublicAnswer> {
    const row = /^\d{1,15}$/.test(id)
      ? await this.ds.getRepository(PublishedAnswer).createQueryBuilder('a').where('a.id = :id AND a.withdrawn_at IS NULL', { id }).getOne()
      : null;
    if (!row) throw notFound('Không tìm thấy bài hỏi đáp này.');
    return publicView(row);
  }
}
