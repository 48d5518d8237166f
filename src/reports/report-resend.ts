import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { ReportMailerService } from './report-mailer.service.js';

/**
 * A resend asked for from a page: sent at most once per confirmation. The confirmation form carries how many times
 * the report had been sent when it was shown (`cardinality(outbox_keys)`); the resend goes through
 * ReportMailerService.resend (the outbox, deduplicated by its key) only while that number is unchanged, under a
 * transaction-scoped advisory lock on the report, so that a double click, a reload of the POST or two admins
 * confirming at once send it once.
 */
@Injectable()
export class ReportResendService {
  constructor(private readonly ds: DataSource, private readonly mailer: ReportMailerService) {}

  /** How many times the stored report has been e-mailed (its first sending and every resend). */
  async sendings(id: string): Promise<number> {
    const [row] = await this.ds.query(`SELECT cardinality(outbox_keys)::int AS n FROM sent_reports WHERE id = $1`, [id]);
    if (!row) throw notFound('Không tìm thấy báo cáo đã gửi.');
    return row.n;
  }

  /**
   * Resends the report if it has been sent exactly `seen` times; otherwise (someone resent it since the form was
   * shown) sends nothing. One primary-key read under the lock; the mail is built and queued by the mailer.
   */
  async resendOnce(id: string, seen: number): Promise<{ resent: boolean; sendings: number }> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('report-resend'), hashtext($1))`, [id]);
      const [row] = await m.query(`SELECT cardinality(outbox_keys)::int AS n FROM sent_reports WHERE id = $1`, [id]);
      if (!row) throw notFound('Không tìm thấy báo cáo đã gửi.');
      if (row.n !== seen) return { resent: false, sendings: row.n };
      // its own transaction, committed before this one releases the lock: the next confirmation sees the new count
      await this.mailer.resend(id);
      return { resent: true, sendings: row.n + 1 };
    });
  }
}
