import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { Clock } from '../../common/clock.js';
import { nationalPhone, normalizeVietnamesePhone } from '../../common/phone.js';
import { compareVietnamese } from '../../common/text.js';
import { DirectoryService } from '../../directory/directory.service.js';
import { CallsService } from '../../intake/calls/calls.service.js';
import { IntakeService } from '../../intake/intake.service.js';
import { CommentDto, CreateTicketDto } from '../../tickets/dto/ticket.dto.js';
import { findVisibleTicket } from '../../tickets/ticket-access.js';
import { TicketLifecycle, type LikelyDuplicate } from '../../tickets/ticket-lifecycle.js';
import { loadTicketRefs, ticketView } from '../../tickets/ticket-view.js';
import { OPEN_STATUSES, type Ticket, type TicketStatus } from '../../tickets/ticket.entity.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { CallTicketDto } from '../../intake/calls/dto/call.dto.js';
import { CONSOLE_CHANNELS, groupedPhone, type ConsoleChoices, type ConsoleInput } from './console-form.js';

/** A commune as the console offers it: "Xã Hòa Lợi — huyện Châu Thành", so that two "Phường 1" are told apart. */
export interface CommuneChoice {
  code: string;
  label: string;
}

export interface FormChoices extends ConsoleChoices {
  districts: Array<{ name: string; communes: CommuneChoice[] }>;
  categories: Array<{ code: string; name: string }>;
}

/** A ticket as the console lists it: the caller's earlier tickets, and the likely duplicates. */
export interface ListedTicket {
  code: string;
  status: TicketStatus;
  statusLabel: string;
  open: boolean;
  receivedAt: string;
  category: string | null;
  unit: string | null;
  excerpt: string;
  /** Why it may be the same matter (duplicates only). */
  reason?: string;
}

/** The choices are read again after this long (areas and categories change seldom). */
const CHOICES_TTL_MS = 60_000;
const EXCERPT_CHARS = 160;

/** "Huyện Châu Thành" → "huyện Châu Thành" (in the middle of a label). */
const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
const excerpt = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
};

/** What happened to a submitted console form. */
export type SaveOutcome = { code: string; created: boolean };

/**
 * The operator's console: the form's choices, a caller's earlier tickets, the likely duplicates of what is being
 * typed, and the two ways a form ends: a new ticket (IntakeService.createForStaff, or CallsService.createTicket for
 * an announced call, which links the call), or the call added to an existing ticket as a comment. Both take the
 * form's idempotency key (IntakeService.onceForStaff): a form sent twice does it once.
 */
@Injectable()
export class ConsoleService {
  private choicesCache?: { at: number; value: Promise<FormChoices> };

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly directory: DirectoryService,
    private readonly intake: IntakeService,
    private readonly calls: CallsService,
    private readonly tickets: TicketsService,
    private readonly lifecycle: TicketLifecycle,
  ) {}

  /** The communes of the province grouped by district, and the categories in use, sorted as Vietnamese is. */
  choices(): Promise<FormChoices> {
    const now = Date.now();
    if (!this.choicesCache || now - this.choicesCache.at > CHOICES_TTL_MS) {
      const value = this.readChoices();
      value.catch(() => (this.choicesCache = undefined));
      this.choicesCache = { at: now, value };
    }
    return this.choicesCache.value;
  }

  private async readChoices(): Promise<FormChoices> {
    // grouped by district on the 2021 map; on the 2025 map (no districts) one group, the province, and the communes
    // are named alone
    const grouped = (await this.directory.communeGroups()).map((g) => ({
      name: g.name,
      communes: g.communes.map((c) => ({ code: c.code, label: g.level === 'district' ? `${c.name} — ${lowerFirst(g.name)}` : c.name })),
    }));
    const categories = (await this.directory.listCategories()).filter((c) => c.active)
      .map((c) => ({ code: c.code, name: c.name })).sort((a, b) => compareVietnamese(a.name, b.name));
    return {
      districts: grouped,
      categories,
      areaCodes: new Set(grouped.flatMap((d) => d.communes.map((c) => c.code))),
      categoryCodes: new Set(categories.map((c) => c.code)),
    };
  }

  /** The tickets of this number (any form), newest first, as an announced call lists them; null for no valid number. */
  async history(phone: string): Promise<{ phone: string; items: ListedTicket[]; total: number } | null> {
    const e164 = normalizeVietnamesePhone(phone);
    if (!e164) return null;
    const { earlierTickets, earlierTicketsTotal } = await this.calls.history(e164);
    return {
      phone: groupedPhone(e164),
      total: earlierTicketsTotal,
      items: earlierTickets.map((t) => ({
        code: t.code, status: t.status, statusLabel: t.statusLabel, open: OPEN_STATUSES.includes(t.status), receivedAt: t.receivedAt,
        category: t.category?.name ?? null, unit: t.assignedUnit?.name ?? null, excerpt: t.excerpt,
      })),
    };
  }

  /**
   * The tickets that may be the same matter as the one being typed (the same phone, or the same commune and category
   * with a similar text; TicketLifecycle.likelyDuplicates), before it is saved.
   */
  async duplicates(user: AuthUser, c: Pick<ConsoleInput, 'reporterPhone' | 'areaCode' | 'categoryCode' | 'content'>): Promise<ListedTicket[]> {
    if (!c.reporterPhone && !(c.areaCode && c.categoryCode)) return [];
    const found = await this.lifecycle.likelyDuplicates(this.ds.manager, {
      id: randomUUID(), reporterPhone: c.reporterPhone, areaCode: c.areaCode, categoryCode: c.categoryCode,
      receivedAt: this.clock.now(), content: c.content,
    });
    const tickets: Array<{ t: Ticket; d: LikelyDuplicate }> = [];
    for (const d of found) tickets.push({ t: await findVisibleTicket(this.ds.manager, user, d.code), d });
    const refs = await loadTicketRefs(this.ds.manager, tickets.map(({ t }) => t));
    const now = this.clock.now();
    return tickets.map(({ t, d }) => {
      const v = ticketView(t, refs, now);
      return {
        code: v.code, status: v.status, statusLabel: v.statusLabel, open: OPEN_STATUSES.includes(v.status), receivedAt: v.receivedAt,
        category: v.category?.name ?? null, unit: v.assignedUnit?.name ?? null, excerpt: excerpt(t.content),
        reason: d.reason === 'same_phone' ? 'Cùng số điện thoại' : `Cùng địa bàn và lĩnh vực, nội dung giống ${Math.round(d.similarity * 100)}%`,
      };
    });
  }

  /**
   * A new ticket from the form, once per key: for an announced call through CallsService.createTicket (the call's
   * number, channel hotline, the call linked to the ticket); otherwise through IntakeService.createForStaff.
   */
  async save(user: AuthUser, input: ConsoleInput, callId: string | null, key: string | null): Promise<SaveOutcome> {
    const common = {
      reporterName: input.reporterName,
      ...(input.areaCode ? { areaCode: input.areaCode } : {}),
      ...(input.address ? { address: input.address } : {}),
      ...(input.categoryCode ? { categoryCode: input.categoryCode } : {}),
      content: input.content,
      ...(input.urgent ? { urgent: true } : {}),
    };
    if (callId && input.channel === 'hotline') {
      const dto = Object.assign(new CallTicketDto(), common, { channel: 'hotline' as const });
      const { created, ticket } = await this.calls.createTicket(user, callId, dto, key);
      return { code: ticket.code, created };
    }
    const dto = Object.assign(new CreateTicketDto(), { channel: input.channel, ...common, ...(input.reporterPhone ? { reporterPhone: input.reporterPhone } : {}) });
    const { created, ticket } = await this.intake.createForStaff(user, dto, key);
    return { code: ticket.code, created };
  }

  /** The comment that says the caller called (or came) again, with what they said. */
  commentText(input: Pick<ConsoleInput, 'channel' | 'reporterPhone' | 'reporterName' | 'content'>, callNumber: string | null): string {
    const how = input.channel === 'walk_in' ? 'đến trực tiếp' : 'gọi lại Tổng đài 1022';
    const phone = callNumber ?? (input.reporterPhone ? nationalPhone(input.reporterPhone) : null);
    const who = [input.reporterName, phone ? `số ${groupedPhone(phone)}` : null].filter(Boolean).join(', ');
    return `Người phản ánh ${how}${who ? ` (${who})` : ''}: ${input.content}`;
  }

  /**
   * Adds the call to an existing ticket as a comment instead of a new ticket, once per key (the comment is written in
   * the key's transaction: TicketsService.commentIn); an announced call is linked to that ticket.
   */
  async addToTicket(user: AuthUser, code: string, text: string, callId: string | null, key: string | null): Promise<SaveOutcome> {
    const outcome = await this.intake.onceForStaff(
      { user, key, request: { route: 'POST /tong-dai (thêm vào phản ánh)', code, callId, text } },
      async (m) => {
        const ticket = await findVisibleTicket(m, user, code);
        if (callId) await this.calls.linkToTicket(m, callId, ticket.id);
        await this.tickets.commentIn(m, user, ticket.code, Object.assign(new CommentDto(), { text, internal: true }));
        return { ticketId: ticket.id, value: ticket.code };
      },
      { transaction: true },
    );
    if (outcome.created && callId) await this.calls.announceTaken(callId);
    return outcome.created ? { code: outcome.value, created: true } : { code: outcome.ticketCode, created: false };
  }

  channelLabel(id: string): string {
    return CONSOLE_CHANNELS.find((c) => c.id === id)?.label ?? id;
  }
}
