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

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
