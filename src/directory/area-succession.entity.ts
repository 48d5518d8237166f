import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An area that became part of another in a reorganisation of the map (a 2021 commune → the 2025 commune it went
 * into; an old commune split between several new ones has a row for each). Tickets keep the area they were received
 * in: a filter by the new area also finds the tickets of its predecessors through these rows. Written by the
 * reorganisation (src/directory/reorganise/), from the package's old-to-new mapping.
 */
@Entity('area_successions')
@Index('idx_area_successions_new_code', ['newCode'])
export class AreaSuccession {
  @PrimaryColumn({ type: 'varchar', length: 10, primaryKeyConstraintName: 'PK_area_successions' })
  oldCode: string;

  @PrimaryColumn({ type: 'varchar', length: 10, primaryKeyConstraintName: 'PK_area_successions' })
  newCode: string;

  /** When the installation recorded the succession (the reorganisation's run). */
  @Column({ type: 'timestamptz' })
  at: Date;
}
