import { Body, Controller, Get, Injectable, Param, Post, Query, Res, UseFilters, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { Settings } from '../../../config/settings.js';
import { Public } from '../../common/decorators.js';
import { badRequest, forbidden, notFound } from '../../common/errors.js';
import { formValue } from '../../intake/public/web-form.js';
import { renderReportDocx } from '../../reports/report-docx.js';
import { reportFileName } from '../../reports/report-mailer.service.js';
import { ReportResendService } from '../../reports/report-resend.js';
import { readableOf } from '../../reports/report-stream.js';
import { writeReportXlsx } from '../../reports/report-xlsx.js';
import { ReportService } from '../../reports/report.service.js';
import { unitStatisticsCsv } from '../../reports/unit-statistics-csv.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Views } from '../../views/views.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { parseViDate } from '../staff-forms.js';
import { staffPageNav } from '../staff-page-nav.js';
import { CurrentSession, StaffSessionGuard, type StaffRequest, type StaffSession } from '../staff-session.js';
import { dashboardView, sentItems, viDate } from './dashboard-view.js';
import { DashboardService, requireDashboardRole } from './dashboard.service.js';
import { lastFullMonth, lastFullWeek, parseMonth, parseWeek } from './report-periods.js';

/** Runs after StaffSessionGuard: the report pages are for leaders, coordinators and admins; anyone else gets the 403 page. */
@Injectable()
export class DashboardReaders implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    requireDashboardRole(ctx.switchToHttp().getRequest<StaffRequest>().staffSession!.user);
    return true;
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The leadership dashboard (/bao-cao): the daily report's hotline section for a date as the e-mail prints it, the
 * overdue tickets per unit, the 30-day trend and the on-time share as server-drawn SVG charts with their tables; the
 * report's downloads (xlsx, docx, per-unit CSV; the weekly and monthly reports of a chosen week or month) with the
 * page's session; the e-mailed reports, and their resend
 * (admins). Works without scripts.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, DashboardReaders)
@UseFilters(StaffPageErrorFilter)
@Controller('bao-cao')
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly reports: ReportService,
    private readonly resends: ReportResendService,
    private readonly tickets: TicketsService,
    private readonly views: Views,
    private readonly settings: Settings,
  ) {}

  private nav(s: StaffSession) {
    return staffPageNav(this.tickets, s, '/bao-cao');
  }

  /**
   * The report date of `?ngay=` (dd/mm/yyyy, as people write it), else the latest one whose cut-off has passed; a
   * date that cannot be read, or whose cut-off is still to come, is the field's error.
   */
  private dateOf(query: Record<string, unknown>): { date: string; typed: string; error?: string } {
    const latest = this.dashboard.latestDate();
    const typed = formValue(query, 'ngay').slice(0, 40);
    if (!typed.trim()) return { date: latest, typed: viDate(latest) };
    const parsed = parseViDate(typed);
    if (typeof parsed !== 'string') return { date: latest, typed, error: `${parsed.reason.charAt(0).toUpperCase()}${parsed.reason.slice(1)}.` };
    if (parsed > latest) {
      return {
        date: latest, typed,
        error: `Chưa có số liệu ngày ${viDate(parsed)}: số liệu được chốt lúc ${this.settings.REPORT_CUTOFF_HOUR} giờ hằng ngày; ngày gần nhất đã chốt là ${viDate(latest)}.`,
      };
    }
    return { date: parsed, typed };
  }

  /** A download's date: a bad one is a 400 page saying why. */
  private downloadDate(query: Record<string, unknown>): string {
    const d = this.dateOf(query);
    if (d.error) throw badRequest([{ field: 'ngay', reason: d.error }], d.error);
    return d.date;
  }

  @Get()
  async page(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    await this.render(s, query, res);
  }

  /**
   * The page for the date of `query`; `periods` holds what was typed in the week or month field of a refused
   * download (shown again with its error, a 400), else the fields hold the last full week and month.
   */
  private async render(s: StaffSession, query: Record<string, unknown>, res: Response, periods: { tuan?: string; thang?: string; errors?: Record<string, string> } = {}) {
    const { date, typed, error } = this.dateOf(query);
    const [nav, figures, sent] = await Promise.all([this.nav(s), this.dashboard.figures(s.user, date), this.dashboard.sent()]);
    const model = dashboardView(nav, this.settings.REPORT_CUTOFF_HOUR, figures, s.user.role === 'admin', sentItems(sent));
    const latest = this.dashboard.latestDate();
    const errors = { ...(error ? { ngay: error } : {}), ...periods.errors };
    this.views.send(res, Object.keys(errors).length ? 400 : 200, 'dashboard/page.njk', {
      ...model, typed, errors,
      periods: { tuan: periods.tuan ?? lastFullWeek(latest).value, thang: periods.thang ?? lastFullMonth(latest).value, cutoffHour: this.settings.REPORT_CUTOFF_HOUR },
    });
  }

  /**
   * The weekly or monthly report of a chosen week (`tuan`) or month (`thang`) as xlsx or docx (`dinh-dang`): the
   * report of the period's last day, as the API renders it. A week or month that cannot be read or has not ended is
   * the field's error on the page (400), the field keeping what was typed.
   */
  @Get('tai-ve/tuan')
  async weekly(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const typed = formValue(query, 'tuan').slice(0, 40);
    const period = parseWeek(typed, this.dashboard.latestDate());
    if ('reason' in period) return this.render(s, {}, res, { tuan: typed, errors: { tuan: period.reason } });
    await this.periodDownload(res, 'weekly', period.date, formValue(query, 'dinh-dang'));
  }

  @Get('tai-ve/thang')
  async monthly(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const typed = formValue(query, 'thang').slice(0, 40);
    const period = parseMonth(typed, this.dashboard.latestDate());
    if ('reason' in period) return this.render(s, {}, res, { thang: typed, errors: { thang: period.reason } });
    await this.periodDownload(res, 'monthly', period.date, formValue(query, 'dinh-dang'));
  }

  private async periodDownload(res: Response, kind: 'weekly' | 'monthly', date: string, format: string): Promise<void> {
    if (format === 'xlsx') {
      await sendStream(res, XLSX_TYPE, reportFileName(kind, date, 'xlsx'),
        readableOf((out) => this.reports.build(kind, date, (doc) => writeReportXlsx(doc, out))));
      return;
    }
    if (format !== 'docx') throw badRequest([{ field: 'dinh-dang', reason: 'chỉ có xlsx hoặc docx' }], 'Hãy chọn tải bảng tính Excel (.xlsx) hoặc văn bản Word (.docx).');
    const body = await this.reports.build(kind, date, (doc) => renderReportDocx(doc));
    res.set({ 'Content-Type': DOCX_TYPE, 'Content-Disposition': attachment(reportFileName(kind, date, 'docx')), 'Cache-Control': 'no-store' }).send(body);
  }

  /** The daily report as an xlsx, streamed as its overdue tickets are read (the API's rendering). */
  @Get('tai-ve/xlsx')
  async xlsx(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const date = this.downloadDate(query);
    await sendStream(res, XLSX_TYPE, reportFileName('daily', date, 'xlsx'),
      readableOf((out) => this.reports.build('daily', date, (doc) => writeReportXlsx(doc, out))));
  }

  @Get('tai-ve/docx')
  async docx(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const date = this.downloadDate(query);
    const body = await this.reports.build('daily', date, (doc) => renderReportDocx(doc));
    res.set({ 'Content-Type': DOCX_TYPE, 'Content-Disposition': attachment(reportFileName('daily', date, 'docx')), 'Cache-Control': 'no-store' }).send(body);
  }

  /** Per-unit statistics of the tickets received in the dashboard's 30 days (the API's CSV). */
  @Get('tai-ve/csv')
  async csv(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const date = this.downloadDate(query);
    const { from, to } = this.dashboard.period(date);
    const rows = await this.reports.unitStatistics(from, to);
    res.set({
      'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(`thong-ke-don-vi-den-${date}.csv`), 'Cache-Control': 'no-store',
    }).send(unitStatisticsCsv(rows));
  }

  /** Every e-mailed report (the 200 most recent): when, to whom, its delivery; admins may resend one. */
  @Get('da-gui')
  async sent(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const [nav, rows] = await Promise.all([this.nav(s), this.dashboard.sent()]);
    const done = formValue(query, 'da');
    const flash = done === 'gui-lai' ? 'Đã đưa báo cáo vào hàng đợi gửi lại; thư sẽ được gửi trong ít phút.'
      : done === 'da-gui-roi' ? 'Báo cáo này vừa được gửi lại trước đó, nên không gửi thêm lần nữa.' : '';
    this.views.send(res, 200, 'dashboard/sent.njk', { nav, title: 'Báo cáo đã gửi', sent: sentItems(rows), canResend: s.user.role === 'admin', flash });
  }

  /** The confirmation of a resend (admins): what goes out, to whom, and the button. */
  @Get('da-gui/:id/gui-lai')
  async confirmResend(@CurrentSession() s: StaffSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const report = await this.resendable(s, id);
    const [nav, sendings, recipients] = await Promise.all([this.nav(s), this.resends.sendings(id), this.dashboard.recipients()]);
    this.views.send(res, 200, 'dashboard/resend.njk', {
      nav, title: 'Gửi lại báo cáo', csrf: s.csrf, report, sendings, recipients, action: `/bao-cao/da-gui/${encodeURIComponent(id)}/gui-lai`,
    });
  }

  /**
   * Resends through the mailer and the outbox, once per confirmation: the form carries how many times the report had
   * been sent when it was shown (`lan`); a second POST of the same form sends nothing more.
   */
  @Post('da-gui/:id/gui-lai')
  async resend(@CurrentSession() s: StaffSession, @Param('id') id: string, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    await this.resendable(s, id);
    const seen = Number(formValue(body, 'lan'));
    if (!Number.isInteger(seen) || seen < 1) throw badRequest([{ field: 'lan', reason: 'thiếu' }], 'Biểu mẫu không hợp lệ, vui lòng tải lại trang và thử lại.');
    if (!(await this.dashboard.recipients()).length) {
      throw badRequest([], 'Danh sách lãnh đạo nhận báo cáo đang trống: chưa gửi lại được.');
    }
    const { resent } = await this.resends.resendOnce(id, seen);
    res.redirect(303, `/bao-cao/da-gui?da=${resent ? 'gui-lai' : 'da-gui-roi'}`);
  }

  private async resendable(s: StaffSession, id: string) {
    if (s.user.role !== 'admin') throw forbidden('Chỉ quản trị hệ thống được gửi lại báo cáo.');
    if (!UUID.test(id)) throw notFound('Không tìm thấy báo cáo đã gửi.');
    const r = await this.dashboard.sentReport(id);
    const [item] = sentItems([{ id: r.id, kind: r.kind, reportDate: r.reportDate, recipients: r.recipients, createdAt: r.createdAt, sentAt: null, delivery: null }]);
    return item;
  }
}

/** Content-Disposition of a download, its ASCII name. */
const attachment = (name: string) => `attachment; filename="${name}"`;

/**
 * Sends a stream with these headers once its first chunk is there: an error before it is still answered as an error
 * page (the filter); after it, the response is cut short. A reader that goes away stops the writer behind.
 */
async function sendStream(res: Response, type: string, fileName: string, body: Readable): Promise<void> {
  const chunks = body[Symbol.asyncIterator]();
  const first = await chunks.next();
  res.status(200).set({ 'Content-Type': type, 'Content-Disposition': attachment(fileName), 'Cache-Control': 'no-store' });
  res.on('close', () => body.destroy());
  if (!first.done) res.write(first.value);
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      if (!res.write(next.value)) await new Promise<void>((resume) => res.once('drain', resume).once('close', resume));
      if (res.destroyed) return;
    }
    res.end();
  } catch {
    res.destroy();
  }
}
