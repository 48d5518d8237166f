import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A program allowed to send requests through Open311 GeoReport v2 (a city's system, a civic app): its key is shown
 * once when an admin creates the client and only its SHA-256 is kept. Revoked clients stay listed (their tickets
 * name them), their key answers 403.
 */
@Entity('api_clients')
export class ApiClient {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** How the admin and the tickets name the client ("Ứng dụng Trà Vinh Smart"). */
  @Column({ type: 'varchar', length: 120 })
  name: string;

  /** Hex SHA-256 of the key. */
  @Index('uq_api_clients_key_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  keyHash: string;

  /** The key's first characters, shown to tell keys apart (not enough to use one). */
  @Column({ type: 'varchar', length: 16 })
  keyPrefix: string;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'varchar', length: 120 })
  createdByName: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
