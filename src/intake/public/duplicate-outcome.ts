import { STATUS_LABELS } from '../../tickets/ticket-state.js';
import type { TicketStatus } from '../../tickets/ticket.entity.js';

/**
 * What the citizen of a merged ticket (rejected as a duplicate of another, the one kept) may learn of the ticket
 * kept. Two citizens who report the same thing are two people: the answer written on the ticket kept is addressed to
 * its own citizen and may name them, their home or their family. So, wherever a citizen is told the outcome (the
 * tracking page, the app's status, the reply on their channel), the citizen of a merged ticket reads the answer only
 * when both tickets are the same reporter's (the same phone); anyone else is told the state of the ticket kept in a
 * neutral sentence (duplicateOutcomeText).
 */
export const sameReporter = (merged: { reporterPhone: string | null }, kept: { reporterPhone: string | null }): boolean =>
  merged.reporterPhone !== null && merged.reporterPhone === kept.reporterPhone;

/** The outcome told to the citizen of a ticket merged into another citizen's: the kept ticket's state, nothing of its content. */
export const duplicateOutcomeText = (keptStatus: TicketStatus): string =>
  `Phản ánh của bạn trùng nội dung với một phản ánh khác đang được xử lý; kết quả: ${STATUS_LABELS[keptStatus]}.`;
