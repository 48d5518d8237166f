import { Injectable, Logger } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { AppError } from '../../common/errors.js';
import { isSourceSeen } from '../../tickets/ticket-sources.js';
import { IntakeService, type IntakeOutcome } from '../intake.service.js';
import type { NormalizedComplaint } from '../normalized-complaint.js';

export type ChatOutcome = IntakeOutcome['outcome'] | 'rejected';

const pgCode = (e: unknown) => (e instanceof QueryFailedError ? (e.driverError as { code?: string } | undefined)?.code : undefined);

/**
 * Hands one chat message to the intake, in a transaction of its own (the ticket, its source, the acknowledgement
 * in the outbox are written together or not at all).
 * - A message seen before is a no-op ('duplicate'); a race on the unique (channel, external_id) index counts as one.
 * - A failure that would fail again on every redelivery (our own validation, a value the database refuses) is logged
 *   and reported as 'rejected': answering an error for it would make the platform redeliver it for hours and, for
 *   Meta, eventually switch the webhook off with everything else in it.
 * - Any other error (database unreachable, deadlock...) is thrown, so the platform redelivers and nothing is lost.
 */
@Injectable()
export class ChatIntakeService {
  private readonly logger = new Logger('ChatIntake');

  constructor(private readonly ds: DataSource, private readonly intake: IntakeService) {}

  async receive(complaint: NormalizedComplaint): Promise<ChatOutcome> {
    try {
      const res = await this.ds.transaction((m) => this.intake.receive(m, { ...complaint }));
      return res.outcome;
    } catch (e) {
      const code = pgCode(e);
      if (code === '23505' && (await this.seen(complaint))) return 'duplicate';
      if ((e instanceof AppError && e.status < 500) || (code && code.startsWith('22'))) {
        this.logger.error(`${complaint.channel} message ${complaint.externalId} from ${complaint.senderId} cannot be taken in: ${(e as Error).message}`);
        return 'rejected';
      }
      throw e;
    }
  }

  private seen(c: NormalizedComplaint): Promise<boolean> {
    return isSourceSeen(this.ds.manager, c.channel, c.externalId);
  }
}
