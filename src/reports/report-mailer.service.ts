import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { Clock } from '../common/clock.js';
import { notFound } from '../common/errors.js';
import { addDays, localDate } from '../common/vn-time.js';
import { OutboxService, type EmailPayload } from '../notifications/outbox.service.js';
import { RecipientListsService } from '../notifications/recipient-lists.service.js';
import { claimRun } from '../scheduler/scheduled-runs.js';
import type { ReportDocument } from './report-figures.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { renderReportText } from './report-text.js';
import { renderReportXlsx } from './report-xlsx.js';
import { cutoffOf, ReportService, type ReportKind } from './report.service.js';
import { SentReport } from './sent-report.entity.js';
import { ReportScheduleService } from './report-schedule.js';

/** Reports go out a minute after the cut-off. */
export const CUTOFF_GRACE_MS = 60_000;

/** The local time the reports go out, the cut-off plus CUTOFF_GRACE_MS: "16:01" for a cut-off at 16. */
export const reportMailTime = (cutoffHour: number) =>
  `${String(cutoffHour).padStart(2, '0')}:${String(CUTOFF_GRACE_MS / 60_000).padStart(2, '0')}`;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** File name of a report's attachments: bao-cao-1022-ngay-2022-01-12.xlsx */
export const reportFileName = (kind: ReportKind, date: string, ext: string) =>
  `bao-cao-1022-${kind === 'daily' ? 'ngay' : kind === 'weekly' ? 'tuan' : 'thang'}-${date}.${ext}`;

/**
 * E-mails the reports to leadership at the cut-off: once per report and day whatever the number of instances,
 * caught up once after downtime, each one stored with its figures, text and recipients.
 */
@Injectable()
export class ReportMailerService {
  private readonly logger = new Logger(ReportMailerService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly settings: Settings,
    private readonly reports: ReportService,
    private readonly outbox: OutboxService,
    private readonly lists: RecipientListsService,
    private readonly schedule: ReportScheduleService,
  ) {}

  /**
   * Runs at the cut-off (the schedule's run, ReportsScheduler) and when the schedule is made: sends the latest due
   * daily (and weekly) report if it was not sent yet.
   */
  async tick(): Promise<number> {
    const now = this.clock.now();
    if (!(await this.lists.emails('leadership')).length) return 0;
    // reports are due from the first tick that had someone to send them to: a new installation does not send
    // yesterday's report, a restart after downtime sends what it missed
    await this.ds.query(`INSERT INTO scheduled_runs (name, period, ran_at) VALUES ('reports', 'due-since', $1) ON CONFLICT DO NOTHING`, [now]);
    const [{ ran_at: dueSince }] = await this.ds.query(`SELECT ran_at FROM scheduled_runs WHERE name = 'reports' AND period = 'due-since'`);
    // a minute's grace after the cut-off, so that changes stamped just before it have committed when it is counted
    const date = this.reports.latestReportDate(new Date(now.getTime() - CUTOFF_GRACE_MS));
    const due = (d: string) => cutoffOf(d, this.settings.REPORT_CUTOFF_HOUR).getTime() + CUTOFF_GRACE_MS >= new Date(dueSince).getTime();
    let sent = 0;
    if (due(date) && (await this.sendOnce('daily', date))) sent++;
    // the latest weekly cut-off, even if the process was down on that day (it is sent once, when it comes back)
    // the admin's choice on the pages, else the setting
    const weekly = await this.schedule.weeklyWeekday();
    if (weekly) {
      const weekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
      const weekDate = addDays(date, -((weekday - weekly + 7) % 7));
      if (due(weekDate) && (await this.sendOnce('weekly', weekDate))) sent++;
    }
    return sent;
  }

  /**
   * The e-mail of the report of `kind` for `date` to `to`, with its figures: the attachments are written while the
   * report's snapshot is open (the xlsx reads the overdue tickets as it goes).
   */
  compose(kind: ReportKind, date: string, to: string[]): Promise<{ figures: ReportDocument['figures']; payload: EmailPayload }> {
    return this.reports.build(kind, date, async (doc) => ({ figures: doc.figures, payload: await this.email(doc, kind, date, to) }));
  }

  private async email(doc: ReportDocument, kind: ReportKind, date: string, to: string[]): Promise<EmailPayload> {
    const [xlsx, docx] = await Promise.all([renderReportXlsx(doc), renderReportDocx(doc)]);
    return {
      to,
      subject: doc.title,
      text: `${doc.title}\n\n${renderReportText(doc.figures)}\nTổng đài 1022\n`,
      html: renderReportHtml(doc),
      attachments: [
        { filename: reportFileName(kind, date, 'xlsx'), contentType: XLSX, contentBase64: xlsx.toString('base64') },
        { filename: reportFileName(kind, date, 'docx'), contentType: DOCX, contentBase64: docx.toString('base64') },
      ],
    };
  }

  /** Sends the report of `kind` for `date` unless it was sent already; false when there was nothing to do. */
  async sendOnce(kind: ReportKind, date: string): Promise<boolean> {
    const recipients = await this.lists.emails('leadership');
    if (!recipients.length) return false;
    if (await this.ds.query(`SELECT 1 FROM scheduled_runs WHERE name = $1 AND period = $2`, [`${kind}-report`, date]).then((r) => r.length)) return false;
    const { figures, payload } = await this.compose(kind, date, recipients);
    const now = this.clock.now();
    return this.ds.transaction(async (m) => {
      if (!(await claimRun(m, `${kind}-report`, date, now))) return false;
      const key = `report:${kind}:${date}`;
      await m.insert(SentReport, {
        kind, reportDate: date, cutoff: figures.cutoff, figures: JSON.parse(JSON.stringify(figures)),
        text: renderReportText(figures), recipients, outboxKeys: [key], createdAt: now,
      });
      await this.outbox.add(m, [{ channel: 'email', dedupeKey: key, payload: payload as never }]);
      this.logger.log(`${kind} report for ${date} queued to ${recipients.length} recipient(s)`);
      return true;
    });
  }

  async listSent() {
    const rows: Array<SentReport & { sent_at: Date | null; status: string | null }> = await this.ds.query(
      `SELECT r.id, r.kind, to_char(r.report_date, 'YYYY-MM-DD') AS "reportDate", r.cutoff, r.recipients, r.created_at AS "createdAt",
              r.figures, o.status, o.sent_at
         FROM sent_reports r LEFT JOIN outbox_messages o ON o.dedupe_key = r.outbox_keys[1]
        ORDER BY r.cutoff DESC, r.created_at DESC LIMIT 200`);
    return rows.map((r) => ({
      id: r.id, kind: r.kind, reportDate: r.reportDate, cutoff: r.cutoff, recipients: r.recipients, createdAt: r.createdAt,
      delivery: r.status, sentAt: r.sent_at, figures: r.figures,
    }));
  }

  async getSent(id: string) {
    const r = await this.ds.getRepository(SentReport).findOneBy({ id });
    if (!r) throw notFound('Không tìm thấy báo cáo đã gửi.');
    return r;
  }

  /** An admin's resend of a stored report: the same figures (as-of), to the list's current recipients. */
  async resend(id: string) {
    const r = await this.getSent(id);
    const recipients = await this.lists.emails('leadership');
    if (!recipients.length) throw notFound('Danh sách lãnh đạo nhận báo cáo đang trống.');
    const { payload } = await this.compose(r.kind, r.reportDate, recipients);
    const key = `report:${r.kind}:${r.reportDate}:resend:${r.outboxKeys.length}:${localDate(this.clock.now())}`;
    await this.ds.transaction(async (m) => {
      await this.outbox.add(m, [{ channel: 'email', dedupeKey: key, payload: payload as never }]);
      await m.query(`UPDATE sent_reports SET outbox_keys = array_append(outbox_keys, $2), recipients = $3 WHERE id = $1`, [id, key, recipients]);
    });
    return { id, queued: key };
  }
}
