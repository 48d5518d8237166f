import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { Roles } from '../common/decorators.js';
import { Clock } from '../common/clock.js';
import { badRequest, notFound } from '../common/errors.js';
import { parseTimeBound } from '../common/time-bound.js';
import { ReportQueryDto, UnitStatisticsQueryDto } from './dto/report.dto.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { reportFileName, ReportMailerService } from './report-mailer.service.js';
import { renderReportText } from './report-text.js';
import type { ReportDocument } from './report-figures.js';
import { writeReportJson } from './report-json.js';
import { readableOf } from './report-stream.js';
import { writeReportXlsx } from './report-xlsx.js';
import { REPORT_KINDS, ReportService, type ReportKind } from './report.service.js';
import { unitStatisticsCsv } from './unit-statistics-csv.js';

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
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="thong-ke-don-vi.csv"');
    return unitStatisticsCsv(rows);
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

  /**
   * The official report of a kind for a date, as JSON (every figure, the overdue tickets and the text), txt, html,
   * xlsx or docx. The JSON and the xlsx list every overdue ticket: they are streamed as they are read, the headers
   * going out with the first bytes (an error before them is still answered as one).
   */
  @Get(':kind')
  @Roles('admin', 'coordinator', 'leader')
  async report(@Param('kind') kind: string, @Query() q: ReportQueryDto, @Res({ passthrough: true }) res: Response) {
    if (!REPORT_KINDS.includes(kind as ReportKind)) throw notFound(`Không có loại báo cáo "${kind}" (daily, weekly, monthly).`);
    const date = q.date ?? this.reports.latestReportDate(this.clock.now());
    const build = <T>(use: (doc: ReportDocument) => Promise<T>) => this.reports.build(kind as ReportKind, date, use);
    const file = (ext: string, type: string, body: Buffer | string) => {
      res.setHeader('Content-Type', type);
      if (ext === 'xlsx' || ext === 'docx') res.setHeader('Content-Disposition', `attachment; filename="${reportFileName(kind as ReportKind, date, ext)}"`);
      res.send(body);
    };
    switch (q.format ?? 'json') {
      case 'txt':
        return file('txt', 'text/plain; charset=utf-8', await build(async (doc) => renderReportText(doc.figures)));
      case 'html':
        return file('html', 'text/html; charset=utf-8', await build(async (doc) => renderReportHtml(doc)));
      case 'docx':
        return file('docx', DOCX_TYPE, await build((doc) => renderReportDocx(doc)));
      case 'xlsx':
        return streamed(res, XLSX_TYPE, reportFileName(kind as ReportKind, date, 'xlsx'),
          readableOf((out) => build((doc) => writeReportXlsx(doc, out))));
      default:
        return streamed(res, 'application/json; charset=utf-8', null,
          readableOf((out) => build((doc) => writeReportJson(kind, date, doc, out))));
    }
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * The body for Nest to send as it comes, with these headers set when the first chunk is there: an error before it is
 * answered by the exception filters, as JSON. A client that goes away stops the reading (and the writer behind it).
 */
async function* streamed(res: Response, type: string, fileName: string | null, body: Readable): AsyncGenerator<Buffer> {
  let first = true;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    if (first) {
      res.setHeader('Content-Type', type);
      if (fileName) res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
      first = false;
    }
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}
