import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../../config/settings.js';
import { AuditLog } from '../../audit/audit-log.js';
import type { AuthUser } from '../../common/auth-user.js';
import { Clock } from '../../common/clock.js';
import { forbidden } from '../../common/errors.js';
import { DirectoryService } from '../../directory/directory.service.js';
import { ChannelToken } from '../../intake/channel-token.entity.js';
import { chatChannels } from '../../intake/chat/chat-config.js';
import { channelActivity } from '../../tickets/channel-activity.js';
import { CHANNEL_LABELS } from '../../tickets/channels.js';
import { ROLE_LABELS } from '../staff-nav.js';
import { auditDiff, SUBJECT_LABELS, actionLabel } from './audit-view.js';

export function requireAdmin(user: AuthUser): void {
  if (user.role !== 'admin') throw forbidden('Trang quản trị chỉ dành cho quản trị viên hệ thống.');
}

/** A unit as the unit picker lists it. */
export interface UnitChoice { code: string; displayName: string; level: string }

/** A channel's state for the deliveries page. */
export interface ChannelState {
  channel: string;
  label: string;
  /** Switched on by its settings (the channels that need none are always on). */
  on: boolean;
  /** What switches it on, or why it is off. */
  how: string;
  lastReceivedAt: Date | null;
  lastWeek: number;
  /** Zalo's access token: when it expires, and whether it already has. */
  token?: { expiresAt: Date | null; expired: boolean; refreshedAt: Date } | null;
  /** Nothing came in for a while on a channel that is on. */
  quiet: boolean;
}

/** A channel that brought nothing in for this long while on is flagged quiet. */
const QUIET_MS = 3 * 86400_000;

/** What the administration pages read besides the services that own the data (accounts, recipients, outbox). */
@Injectable()
export class AccountsService {
  constructor(
    private readonly ds: DataSource, private readonly directory: DirectoryService, readonly settings: Settings,
    private readonly clock: Clock, private readonly audit: AuditLog,
  ) {}

  async units(): Promise<UnitChoice[]> {
    return (await this.directory.listUnits({ active: 'true' })).map((u) => ({ code: u.code, displayName: u.displayName, level: u.level }));
  }

  roleLabel = (role: string): string => ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? role;

  /** Every channel: on or off by its settings, the last thing it brought in, and Zalo's token. */
  async channels(): Promise<ChannelState[]> {
    const now = this.clock.now();
    const [activity, tokens] = await Promise.all([
      channelActivity(this.ds.manager, now),
      this.ds.getRepository(ChannelToken).find(),
    ]);
    const chat = chatChannels(this.settings);
    const s = this.settings;
    const switches: Record<string, { on: boolean; how: string }> = {
      hotline: s.CALLS_SHARED_SECRET
        ? { on: true, how: 'Tổng đài điện thoại báo cuộc gọi qua API (CALLS_SHARED_SECRET đã đặt).' }
        : { on: true, how: 'Tổng đài viên nhập phản ánh; tổng đài điện thoại chưa kết nối (CALLS_SHARED_SECRET chưa đặt).' },
      walk_in: { on: true, how: 'Cán bộ nhập phản ánh người dân đến trực tiếp.' },
      app: { on: true, how: 'API của app công dân.' },
      web: { on: true, how: 'Biểu mẫu /gui-phan-anh.' },
      email: s.MAIL_INBOUND_PORT
        ? { on: true, how: `Nhận thư tại ${s.MAIL_INBOUND_HOST}:${s.MAIL_INBOUND_PORT}.` }
        : { on: false, how: 'Tắt: chưa đặt MAIL_INBOUND_PORT.' },
      zalo: chat.zalo.enabled ? { on: true, how: 'Zalo OA đã cấu hình.' } : { on: false, how: `Tắt: chưa đặt ${chat.zalo.missing.join(', ')}.` },
      facebook: chat.facebook.enabled ? { on: true, how: 'Trang Facebook đã cấu hình.' } : { on: false, how: `Tắt: chưa đặt ${chat.facebook.missing.join(', ')}.` },
    };
    return activity.map((a) => {
      const sw = switches[a.channel] ?? { on: true, how: '' };
      const token = a.channel === 'zalo' ? tokens.find((t) => t.channel === 'zalo') : undefined;
      return {
        channel: a.channel,
        label: CHANNEL_LABELS[a.channel],
        on: sw.on,
        how: sw.how,
        lastReceivedAt: a.lastReceivedAt,
        lastWeek: a.lastWeek,
        token: a.channel === 'zalo' ? (token ? { expiresAt: token.expiresAt, expired: !!token.expiresAt && token.expiresAt <= now, refreshedAt: token.updatedAt } : null) : undefined,
        quiet: sw.on && ['email', 'zalo', 'facebook', 'app', 'web'].includes(a.channel) && (!a.lastReceivedAt || now.getTime() - a.lastReceivedAt.getTime() > QUIET_MS),
      };
    });
  }

  /** How e-mail leaves: the SMTP server named (password hidden), or the mail catcher. */
  mailRoute(): { catcher: boolean; smtp: string } {
    return { catcher: this.settings.MAIL_CATCHER === true, smtp: this.settings.SMTP_URL.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@') };
  }

  /** The kinds of subject in the log (for the filter), with their names. */
  async subjectTypes(): Promise<Array<{ value: string; label: string }>> {
    const rows: Array<{ t: string }> = await this.ds.query(`SELECT DISTINCT subject_type AS t FROM audit_entries`);
    const types = new Set([...Object.keys(SUBJECT_LABELS), ...rows.map((r) => r.t)]);
    return [...types].map((t) => ({ value: t, label: SUBJECT_LABELS[t] ?? t })).sort((a, b) => a.label.localeCompare(b.label, 'vi'));
  }

  /** One page of the log, newest first, each entry with its readable diff. */
  async auditPage(subjectType: string | undefined, page: number, pageSize: number) {
    const { items, hasNext } = await this.audit.list({ subjectType, page, pageSize });
    return {
      hasNext,
      items: items.map((e) => ({
        id: e.id, at: e.at, actorName: e.actorName, action: e.action, actionLabel: actionLabel(e.action),
        subjectType: e.subjectType, subjectLabel: SUBJECT_LABELS[e.subjectType] ?? e.subjectType, subjectId: e.subjectId,
        changes: auditDiff(e.before, e.after, this.roleLabel),
        created: !e.before && !!e.after, removed: !!e.before && !e.after,
      })),
    };
  }
}
