import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CalendarService } from '../../calendar/calendar.service.js';
import { CalendarDayDto } from '../../calendar/dto/calendar.dto.js';
import { Clock } from '../../common/clock.js';
import { Public } from '../../common/decorators.js';
import { badRequest, notFound } from '../../common/errors.js';
import { localDate } from '../../common/vn-time.js';
import { formValue } from '../../intake/public/web-form.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from '../staff-session.js';
import { checked, formFields, isFormRefusal, parseViDate, refusalOf, viDate, yearOf, type Refusal } from './admin-forms.js';
import { AdminOnly } from './admin-only.js';
import { AdminPages } from './admin-pages.js';

const FIELDS = ['date', 'kind', 'name'] as const;
type DayValues = Record<(typeof FIELDS)[number], string>;
const MONTHS = ['Tháng 1', 'Tháng 2', 'Tháng 3', 'Tháng 4', 'Tháng 5', 'Tháng 6', 'Tháng 7', 'Tháng 8', 'Tháng 9', 'Tháng 10', 'Tháng 11', 'Tháng 12'];
const KIND_LABELS: Record<string, string> = { off: 'Ngày nghỉ', work: 'Ngày làm bù' };

interface DayCell { day: number; iso: string; weekend: boolean; kind: 'off' | 'work' | null; name: string }

/** The months of a year as weeks of seven days (Monday first; null outside the month), with the table's days marked. */
export function yearGrid(year: number, days: Map<string, { kind: 'off' | 'work'; name: string }>) {
  return MONTHS.map((label, m) => {
    const first = new Date(Date.UTC(year, m, 1));
    const length = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
    const lead = (first.getUTCDay() + 6) % 7;
    const cells: Array<DayCell | null> = Array.from({ length: lead }, () => null);
    for (let d = 1; d <= length; d++) {
      const iso = `${year}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const dow = (lead + d - 1) % 7;
      const special = days.get(iso);
      cells.push({ day: d, iso, weekend: dow >= 5, kind: special?.kind ?? null, name: special?.name ?? '' });
    }
    while (cells.length % 7) cells.push(null);
    const weeks: Array<Array<DayCell | null>> = [];
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
    return { label, month: m + 1, weeks };
  });
}

/**
 * The holiday calendar (/quan-tri/lich): a year at a glance (days off and make-up working days marked), the list of
 * the year's days with their notes, adding one (dd/mm/yyyy) and removing one. Deadlines count working time with this
 * table (CalendarService, which records each change in the audit log).
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, AdminOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('quan-tri/lich')
export class AdminCalendarController {
  constructor(private readonly calendar: CalendarService, private readonly clock: Clock, private readonly pages: AdminPages) {}

  private thisYear(): number {
    return Number(localDate(this.clock.now()).slice(0, 4));
  }

  @Get()
  async year(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const year = yearOf(formValue(query, 'nam'), this.thisYear());
    const done = formValue(query, 'da');
    const day = /^\d{4}-\d{2}-\d{2}$/.test(formValue(query, 'ngay')) ? formValue(query, 'ngay') : '';
    const flash = day && done === 'them' ? `Đã lưu ngày ${viDate(day)} vào lịch.` : day && done === 'xoa' ? `Đã bỏ ngày ${viDate(day)} khỏi lịch.` : '';
    await this.send(res, s, year, { flash });
  }

  private async send(res: Response, s: StaffSession, year: number, opts: { flash?: string; values?: DayValues; error?: Refusal | null; status?: number }) {
    const list = await this.calendar.list(year);
    const rows = list.days as Array<{ date: string; kind: 'off' | 'work'; name: string }>;
    const days = new Map(rows.map((d) => [d.date, { kind: d.kind, name: d.name }]));
    await this.pages.send(res, s, 'admin/calendar.njk', {
      wide: true, year, prevYear: year - 1, nextYear: year + 1,
      months: yearGrid(year, days),
      days: rows.map((d) => ({ ...d, vi: viDate(d.date), kindLabel: KIND_LABELS[d.kind] })),
      offCount: rows.filter((d) => d.kind === 'off').length, workCount: rows.filter((d) => d.kind === 'work').length,
      values: opts.values ?? { date: '', kind: 'off', name: '' },
      flash: opts.flash ?? '', error: opts.error ?? null,
    }, opts.status);
  }

  @Post()
  async put(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = formFields(body, FIELDS, 300);
    const date = parseViDate(values.date);
    try {
      if (!date) throw badRequest([{ field: 'date', reason: 'hãy nhập một ngày có thật, dạng ngày/tháng/năm (ví dụ 02/09/2026)' }]);
      const dto = await checked(CalendarDayDto, { kind: values.kind, name: values.name });
      await this.calendar.put(date, dto.kind, dto.name, s.user);
      res.redirect(303, `/quan-tri/lich?nam=${date.slice(0, 4)}&da=them&ngay=${date}`);
    } catch (e) {
      if (!isFormRefusal(e)) throw e;
      const year = date ? Number(date.slice(0, 4)) : yearOf(formValue(body, 'nam'), this.thisYear());
      await this.send(res, s, year, { values, error: refusalOf(e), status: e.status });
    }
  }

  /**
   * Removing a day takes two steps, without scripts: the list's button posts here and gets the confirmation (nothing
   * removed yet); the confirmation's button posts again with `xac-nhan=co` and removes it.
   */
  @Post(':date/xoa')
  async remove(@CurrentSession() s: StaffSession, @Param('date') date: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw notFound('Không tìm thấy ngày này trong lịch.');
    if (formValue(body, 'xac-nhan') !== 'co') {
      const day = ((await this.calendar.list(Number(date.slice(0, 4)))).days as Array<{ date: string; kind: 'off' | 'work'; name: string }>)
        .find((d) => d.date === date);
      if (!day) throw notFound('Không tìm thấy ngày này trong lịch (có thể đã được bỏ).');
      await this.pages.send(res, s, 'admin/remove-confirm.njk', {
        heading: `Bỏ ngày ${viDate(date)} khỏi lịch?`,
        warning: day.kind === 'off'
          ? 'Ngày này sẽ trở lại là ngày làm việc thường: thời hạn xử lý của phản ánh mới sẽ tính cả ngày này.'
          : 'Ngày này sẽ không còn là ngày làm bù: thời hạn xử lý của phản ánh mới sẽ không tính ngày này.',
        facts: [{ label: 'Ngày', value: viDate(date) }, { label: 'Loại ngày', value: KIND_LABELS[day.kind] }, { label: 'Ghi chú', value: day.name || 'Không có' }],
        action: `/quan-tri/lich/${date}/xoa`, hidden: [],
        confirmLabel: 'Bỏ ngày này', cancelHref: `/quan-tri/lich?nam=${date.slice(0, 4)}`, backLabel: `Lịch năm ${date.slice(0, 4)}`,
      });
      return;
    }
    await this.calendar.remove(date, s.user);
    res.redirect(303, `/quan-tri/lich?nam=${date.slice(0, 4)}&da=xoa&ngay=${date}`);
  }
}
