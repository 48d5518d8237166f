import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A photo or file sent with a complaint: stored on disk (or kept as the platform's URL), never in the row. */
@Entity('attachments')
export class Attachment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  ticketId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: 'image' | 'file' | 'location' | 'sticker';

  @Column({ type: 'varchar', length: 255, nullable: true })
  filename: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  contentType: string | null;

  @Column({ type: 'integer', nullable: true })
  sizeBytes: number | null;

  /** Path under UPLOAD_DIR for files we keep. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  storagePath: string | null;

  /** The platform's URL for attachments we only link to (Zalo, Facebook). */
  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
