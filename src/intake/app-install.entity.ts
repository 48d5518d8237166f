import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One installation of the citizen app (App công dân 1022), registered once; the report counts them per platform. */
@Entity('app_installs')
@Index('idx_app_installs_platform_created', ['platform', 'createdAt'])
export class AppInstall {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 128, unique: true })
  installationId: string;

  @Column({ type: 'varchar', length: 8 })
  platform: 'android' | 'ios';

  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
