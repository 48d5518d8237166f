import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Named lists of e-mail addresses that an admin edits: "leadership" (daily report), "coordinators" (overdue notices). */
@Entity('recipient_lists')
export class RecipientList {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  emails: string[];
}
