import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A call announced by the telephone exchange; a ticket typed during the call is linked to it. */
@Entity('calls')
export class Call {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  callId: string;

  /** E.164 when the number is a valid Vietnamese one, else as the exchange sent it. */
  @Index()
  @Column({ type: 'varchar', length: 32 })
  callerNumber: string;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  ticketId: string | null;

  /** The username of the operator the exchange put the call through to; null: not said (every operator is shown it). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  operator: string | null;

  /** When the exchange announced it (the consoles list the calls of the last minutes still without a ticket). */
  @Index()
  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
