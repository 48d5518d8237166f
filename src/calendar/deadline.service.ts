import { Injectable } from '@nestjs/common';
import { Settings } from '../../config/settings.js';
import { CalendarService } from './calendar.service.js';

export interface DeadlineRule {
  deadlineHours: number;
  deadlineMode: 'working' | 'clock';
}

export interface Deadline {
  dueAt: Date;
  /** When the "due soon" warning falls due: DUE_SOON_PERCENT of the allowed time. */
  warnAt: Date;
}

/**
 * The one place that computes deadlines: for new tickets, imports without a due time, a category change, an
 * extension, and "how much time is left". Working-time categories count office hours on working days
 * (with the holiday table); clock-time categories (urgent matters) count around the clock.
 */
@Injectable()
export class DeadlineService {
  constructor(private readonly settings: Settings, private readonly calendars: CalendarService) {}

  /** A category-less ticket gets DEFAULT_DEADLINE_HOURS of working time. */
  deadline(receivedAt: Date, category: DeadlineRule | null): Deadline {
    const hours = category?.deadlineHours ?? this.settings.DEFAULT_DEADLINE_HOURS;
    const mode = category?.deadlineMode ?? 'working';
    const dueAt = mode === 'clock'
      ? new Date(receivedAt.getTime() + hours * 3600_000)
      : this.calendars.current().addWorkingMinutes(receivedAt, hours * 60);
    return { dueAt, warnAt: this.warnAt(receivedAt, dueAt, mode) };
  }

  dueAt(receivedAt: Date, category: DeadlineRule | null): Date {
    return this.deadline(receivedAt, category).dueAt;
  }

  /** The warning instant for a given deadline (also after an extension). */
  warnAt(receivedAt: Date, dueAt: Date, mode: 'working' | 'clock'): Date {
    const share = this.settings.DUE_SOON_PERCENT / 100;
    if (mode === 'clock') return new Date(receivedAt.getTime() + (dueAt.getTime() - receivedAt.getTime()) * share);
    const cal = this.calendars.current();
    const allowed = cal.workingMinutesBetween(receivedAt, dueAt);
    return cal.addWorkingMinutes(receivedAt, allowed * share);
  }

  /**
   * Time left until the deadline, in minutes of the ticket's deadline mode (its category's; 'working' without a
   * category), rounded to the minute; negative once the deadline has passed. Clock mode counts every minute
   * (an urgent ticket due Saturday 02:00 has 360 left on Friday 20:00); working mode counts office hours on
   * working days only.
   */
  minutesLeft(now: Date, dueAt: Date, mode: 'working' | 'clock'): number {
    // + 0 turns a rounded -0 into 0
    if (mode === 'clock') return Math.round((dueAt.getTime() - now.getTime()) / 60_000) + 0;
    return this.workingMinutesLeft(now, dueAt);
  }

  /** Working minutes left until the deadline (negative when overdue), whatever the ticket's mode. */
  workingMinutesLeft(now: Date, dueAt: Date): number {
    return Math.round(this.calendars.current().workingMinutesBetween(now, dueAt)) + 0;
  }
}
