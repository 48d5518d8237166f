import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../config/settings.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth-user.js';
import { Clock } from '../common/clock.js';
import { badRequest } from '../common/errors.js';
import { ReportSchedule } from './report-schedule.entity.js';

/** The weekly report's weekday: the admin's choice (table report_schedule), else the setting REPORT_WEEKLY_WEEKDAY. */
@Injectable()
export class ReportScheduleService {
  constructor(private readonly ds: DataSource, private readonly settings: Settings, private readonly clock: Clock, private readonly audit: AuditLog) {}

  /** ISO weekday (1 = Monday … 7 = Sunday) of the weekly report; 0: off. One primary-key read. */
  async weeklyWeekday(): Promise<number> {
    const row = await this.ds.manager.findOneBy(ReportSchedule, { id: 1 });
    return row?.weeklyWeekday ?? this.settings.REPORT_WEEKLY_WEEKDAY;
  }

  /** Sets it (recorded in the audit log, in the same transaction). */
  async setWeeklyWeekday(weekday: number, actor: AuthUser | null): Promise<void> {
    if (!Number.isInteger(weekday) || weekday < 0 || weekday > 7) {
      throw badRequest([{ field: 'weeklyWeekday', reason: 'phải là một ngày trong tuần (thứ Hai đến Chủ nhật) hoặc tắt' }]);
    }
    await this.ds.transaction(async (m) => {
      const row = await m.findOne(ReportSchedule, { where: { id: 1 }, lock: { mode: 'pessimistic_write' } });
      const before = { weeklyWeekday: row?.weeklyWeekday ?? this.settings.REPORT_WEEKLY_WEEKDAY };
      await m.upsert(ReportSchedule, { id: 1, weeklyWeekday: weekday, updatedAt: this.clock.now() }, ['id']);
      await this.audit.record(m, actor, { action: 'report_schedule.update', subjectType: 'report_schedule', subjectId: 'weekly', before, after: { weeklyWeekday: weekday } });
    });
  }
}
