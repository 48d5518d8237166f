import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A ticket whose answer was just written (resolved), or that follows one answered (merged into it). */
export interface AnsweredTicket {
  id: string;
  code: string;
  resolution: string | null;
  resolvedAt: Date | null;
  /** The official name of the unit that answered, when it has one. */
  unitName: string | null;
}

type AnsweredListener = (m: EntityManager, ticket: AnsweredTicket) => Promise<void>;

/** A ticket given a new deadline (by a coordinator, or on a unit's request approved). */
export interface ExtendedTicket {
  id: string;
  code: string;
  dueAt: Date;
}

type ExtendedListener = (m: EntityManager, ticket: ExtendedTicket) => Promise<void>;

/** A coordinator's explanation to a citizen who said the answer did not settle it. */
export interface ExplainedTicket {
  id: string;
  code: string;
  text: string;
}

type ExplainedListener = (m: EntityManager, ticket: ExplainedTicket) => Promise<void>;

/**
 * What the ticket lifecycle reports to the modules above it, in the transaction of the change: they subscribe here
 * (intake answers the citizens) instead of tickets calling them, so that tickets imports none of them.
 */
@Injectable()
export class TicketListeners {
  private readonly answeredListeners: AnsweredListener[] = [];
  private readonly extendedListeners: ExtendedListener[] = [];
  private readonly explainedListeners: ExplainedListener[] = [];

  /** Called, in the change's transaction, for a ticket resolved and for each ticket merged into an answered one. */
  onAnswered(listener: AnsweredListener): void {
    this.answeredListeners.push(listener);
  }

  async answered(m: EntityManager, ticket: AnsweredTicket): Promise<void> {
    for (const listener of this.answeredListeners) await listener(m, ticket);
  }

  /** Called, in the change's transaction, for a ticket whose deadline was extended (intake tells the citizen). */
  onDeadlineExtended(listener: ExtendedListener): void {
    this.extendedListeners.push(listener);
  }

  async deadlineExtended(m: EntityManager, ticket: ExtendedTicket): Promise<void> {
    for (const listener of this.extendedListeners) await listener(m, ticket);
  }

  /** Called, in the change's transaction, when a coordinator answers a citizen's "not settled" with an explanation. */
  onExplained(listener: ExplainedListener): void {
    this.explainedListeners.push(listener);
  }

  async explained(m: EntityManager, ticket: ExplainedTicket): Promise<void> {
    for (const listener of this.explainedListeners) await listener(m, ticket);
  }
}
