import { Injectable } from '@nestjs/common';
import { Settings } from '../../config/settings.js';
import type { Category } from '../directory/category.entity.js';

/** The one place that computes a ticket's deadline. */
@Injectable()
export class DeadlineService {
  constructor(private readonly settings: Settings) {}

  dueAt(receivedAt: Date, category: Pick<Category, 'deadlineHours'> | null): Date {
    const hours = category?.deadlineHours ?? this.settings.DEFAULT_DEADLINE_HOURS;
    return new Date(receivedAt.getTime() + hours * 3600_000);
  }
}
