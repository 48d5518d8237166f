import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/decorators.js';
import { Clock } from '../common/clock.js';
import { badRequest, notFound } from '../common/errors.js';
import { parseTimeBound } from '../common/time-bound.js';
import { ReportQueryDto, UnitStatisticsQueryDto } from './dto/report.dto.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { reportFileName, ReportMailerService } from './report-mailer.service.js';
import { renderReportText } from './report-text.js';
import { renderReportXlsx } from './report-xlsx.js';
import { REPORT_KINDS, ReportService, type ReportKind } from './report.service.js';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportService, private readonly mailer: ReportMailerService, private readonly clock: Clock) {}

  /**
   * Per-unit statistics for a period: received, handled, handled on time, open, overdue, median handling time.
   * `from` and `to` without an offset are Viet Nam time; a bare date is that whole day in Viet Nam (from its 00:00;
   * to its 24:00), whatever the server's time zone.
   */
  @Get('unit-statistics')
  @Roles('admin', 'coordinator', 'leader')
  async unitStatistics(@Query() q: UnitStatisticsQueryDto, @Res({ passthrough: true }) res: Response) {
    // validated by @IsTimeBound: never null here
    const from = parseTimeBound(q.from, 'from')!;
    const to = parseTimeBound(q.to, 'to')!;
    if (to <= from) throw badRequest([{ field: 'to', reason: 'phải sau thời điểm bắt đầu (from)' }]);
    const rows = await this.reports.unitStatistics(from, to);
    if (q.format !== 'csv') return { from: from.toISOString(), to: to.toISOString(), units: rows };
    const header = ['ma_don_vi', 'don_vi', 'tiep_nhan', 'da_xu_ly', 'xu_ly_dung_han', 'dang_xu_ly', 'tre_han', 'trung_vi_gio_xu_ly'];
    const lines = rows.map((r) => [r.unitCode, r.unitName, r.received, r.handled, r.handledOnTime, r.open, r.overdue, r.medianHandlingHours].map(csvCell).join(','));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="thong-ke-don-vi.csv"');
    return '\uFEFF' + [header.join(','), ...lines].join('\r\n') + '\r\n';
  }

  /** Reports e-mailed so far (admin). */
  @Get('sent')
  @Roles('admin')
  sent() {
    return this.mailer.listSent();
  }

  @Post('sent/:id/resend')
  @Roles('admin')
  @HttpCode(202)
  resend(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('Không tìm thấy báo cáo đã gửi.') })) id: string) {
    return this.mailer.resend(id);
  }

  /** The official report of a kind for a date, as JSON (every figure and the text), txt, html, xlsx or docx. */
  @Get(':kind')
  @Roles('admin', 'coordinator', 'leader')
  async report(@Param('kind') kind: string, @Query() q: ReportQueryDto, @Res({ passthrough: true }) res: Response) {
    if (!REPORT_KINDS.includes(kind as ReportKind)) throw notFound(`Không có loại báo cáo "${kind}" (daily, weekly, monthly).`);
    const date = q.date ?? this.reports.latestReportDate(this.clock.now());
    const doc = await this.reports.build(kind as ReportKind, date);
    const format = q.format ?? 'json';
    const file = (ext: string, type: string, body: Buffer | string) => {
      res.setHeader('Content-Type', type);
      if (ext === 'xlsx' || ext === 'docx') res.setHeader('Content-Disposition', `attachment; filename="${reportFileName(kind as ReportKind, date, ext)}"`);
      res.send(body);
    };
    switch (format) {
      case 'txt':
        return file('txt', 'text/plain; charset=utf-8', renderReportText(doc.figures));
      case 'html':
        return file('html', 'text/html; charset=utf-8', renderReportHtml(doc));
      case 'xlsx':
        return file('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await renderReportXlsx(doc));
      case 'docx':
        return file('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', await renderReportDocx(doc));
      default: {
        const f = doc.figures;
        return {
          kind, date, title: doc.title, cutoff: f.cutoff.toISOString(), previousCutoff: f.previousCutoff?.toISOString() ?? null,
          operationStart: f.operationStart.toISOString(),
          figures: {
            appInstalls: f.appInstalls, receivedInDay: f.receivedInDay, receivedTotal: f.receivedTotal, handled: f.handled,
            open: f.open, overdue: f.overdue, rejected: f.rejected, merged: f.merged,
            explained: { received: f.receivedTotal.current, handled: f.handled.current, open: f.open, rejected: f.rejected, merged: f.merged },
          },
          overdueUnits: f.overdueUnits,
          overdueTickets: doc.overdueTickets,
          text: renderReportText(f),
        };
      }
    }
  }
}
