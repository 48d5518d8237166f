import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Unit } from '../directory/unit.entity.js';

import type { Role } from '../common/roles.js';

export { ROLES, type Role } from '../common/roles.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ type: 'varchar', length: 120, default: '' })
  fullName: string;

  @Column({ type: 'varchar', length: 200 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** The unit of a unit_staff (required) or a leader (none: the whole province). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  unitCode: string | null;

  @ManyToOne(() => Unit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_code' })
  unit?: Relation<Unit> | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /**
   * Tokens and page sessions issued before this instant (whole seconds, as tokens carry them) are refused: set when
   * the password is changed or reset, the role or unit changes, or the account is deactivated.
   */
  @Column({ type: 'timestamptz', nullable: true })
  sessionsValidFrom: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
