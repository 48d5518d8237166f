import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An `Idempotency-Key` a staff account sent with a ticket creation (`POST /api/tickets`, `POST /api/calls/:callId/ticket`),
 * written in the transaction of the ticket it made: the key of an account is unique, so a repetition finds the
 * ticket instead of making a second one. Kept for a day (`STAFF_IDEMPOTENCY_TTL_MS`), then removed.
 */
@Entity('staff_idempotency_keys')
@Index('idx_staff_idempotency_keys_expiry', ['userId', 'createdAt'])
export class StaffIdempotencyKey {
  /** The account that sent the key: another account's same key is another request. */
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  key: string;

  /** sha256 (hex) of the request: the route, its parameters and the validated body, as stable JSON. */
  @Column({ type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'uuid' })
  ticketId: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
