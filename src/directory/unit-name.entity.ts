import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A former name of a unit and until when it was the unit's name (units.name is the name since the last row's
 * valid_to), so that a report of an earlier instant names the unit as it was named then. Written when a unit is
 * renamed (the admin's unit update, the reorganisation of the map).
 */
@Entity('unit_names')
@Index('idx_unit_names_unit_valid_to', ['unitCode', 'validTo'])
export class UnitName {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', primaryKeyConstraintName: 'PK_unit_names' })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  unitCode: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Since when the name was in force; null: since the unit was first known. */
  @Column({ type: 'timestamptz', nullable: true })
  validFrom: Date | null;

  /** Until when (excluded) the name was in force: the instant of the rename. */
  @Column({ type: 'timestamptz' })
  validTo: Date;
}
