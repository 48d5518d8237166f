import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth-user.js';
import { badRequest, notFound } from '../common/errors.js';
import { BusinessCalendar, parseOfficeHours, type OfficeHours } from './business-calendar.js';
import { CalendarDayRow } from './calendar-day.entity.js';

const REFRESH_MS = 60_000;

/**
 * A calendar date that exists, YYYY-MM-DD; else 400. Date.parse alone is not enough: it rolls 2026-02-30 over to
 * 2 March, and PostgreSQL then refuses the value (a 500).
 */
function assertCalendarDate(date: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
  if (!m || !d || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) {
    throw badRequest([{ field: 'date', reason: 'phải là một ngày có thật, dạng YYYY-MM-DD' }]);
  }
}

/**
 * The working-time calendar: office hours from the settings, days off and extra working days from the
 * calendar_days table (editable by an admin). Held in memory and refreshed every minute and after each edit, so
 * deadline arithmetic stays synchronous and cheap.
 */
@Injectable()
export class CalendarService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CalendarService.name);
  private readonly hours: OfficeHours;
  private calendar: BusinessCalendar;
  private timer?: NodeJS.Timeout;

  constructor(private readonly ds: DataSource, settings: Settings, private readonly audit: AuditLog) {
    this.hours = parseOfficeHours(settings.OFFICE_HOURS);
    this.calendar = new BusinessCalendar(this.hours, []);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => this.reload().catch((e) => this.logger.warn(`calendar refresh failed: ${e}`)), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  current(): BusinessCalendar {
    return this.calendar;
  }

  async reload(): Promise<void> {
    const rows = await this.ds.getRepository(CalendarDayRow).find({ order: { date: 'ASC' } });
    this.calendar = new BusinessCalendar(this.hours, rows.map((r) => ({ date: r.date, kind: r.kind, name: r.name })));
  }

  async list(year: number) {
    const rows = await this.ds.query(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, name FROM calendar_days WHERE date >= make_date($1, 1, 1) AND date < make_date($1 + 1, 1, 1) ORDER BY date`,
      [year],
    );
    return { year, officeHours: this.hours, days: rows };
  }

  /** Sets a day off or an extra working day (replacing what the date had), recorded in the audit log. */
  async put(date: string, kind: 'off' | 'work', name: string, actor: AuthUser | null) {
    assertCalendarDate(date);
    await this.ds.transaction(async (m) => {
      const [before] = await m.query(`SELECT to_char(date, 'YYYY-MM-DD') AS date, kind, name FROM calendar_days WHERE date = $1::date FOR UPDATE`, [date]);
      await m.query(
        `INSERT INTO calendar_days (date, kind, name) VALUES ($1, $2, $3) ON CONFLICT (date) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name`,
        [date, kind, name],
      );
      await this.audit.record(m, actor, { action: before ? 'calendar_day.update' : 'calendar_day.create', subjectType: 'calendar_day', subjectId: date, before: before ?? null, after: { date, kind, name } });
    });
    await this.reload();
    return { date, kind, name };
  }

  async remove(date: string, actor: AuthUser | null) {
    assertCalendarDate(date);
    await this.ds.transaction(async (m) => {
      const [before] = await m.query(`DELETE FROM calendar_days WHERE date = $1::date RETURNING to_char(date, 'YYYY-MM-DD') AS date, kind, name`, [date])
        .then((r: [Array<{ date: string; kind: string; name: string }>, number]) => r[0]);
      if (!before) throw notFound(`Ngày ${date} không có trong lịch nghỉ, làm bù.`);
      await this.audit.record(m, actor, { action: 'calendar_day.delete', subjectType: 'calendar_day', subjectId: date, before, after: null });
    });
    await this.reload();
  }
}
