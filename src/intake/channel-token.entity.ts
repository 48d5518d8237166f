import { Column, Entity, PrimaryColumn } from 'typeorm';

/** OAuth tokens of a channel (Zalo OA). A refresh hands out a new refresh token, so it is stored durably at once. */
@Entity('channel_tokens')
export class ChannelToken {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'text' })
  accessToken: string;

  @Column({ type: 'text' })
  refreshToken: string;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
