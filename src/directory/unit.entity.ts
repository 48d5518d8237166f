import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Area } from './area.entity.js';

export const UNIT_LEVELS = ['province', 'district', 'commune'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** A handling unit (đơn vị xử lý): a department, a district office, a commune's People's Committee. */
@Entity('units')
export class Unit {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  /** Full official name: "Sở Y tế", "Phòng Y tế huyện Cầu Ngang", "UBND xã Hòa Lợi". */
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  level: UnitLevel;

  @Index()
  @Column({ type: 'varchar', length: 32, nullable: true })
  parentCode: string | null;

  @ManyToOne(() => Unit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_code' })
  parent?: Relation<Unit> | null;

  /** The area the unit answers for (a commune committee's commune, a district office's district). */
  @Index()
  @Column({ type: 'varchar', length: 10, nullable: true })
  areaCode: string | null;

  @ManyToOne(() => Area, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'area_code' })
  area?: Relation<Area> | null;

  /** Addresses that receive this unit's notices. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  emails: string[];

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Set when the unit was merged into another during a reorganisation. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  mergedIntoCode: string | null;

  @ManyToOne(() => Unit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'merged_into_code' })
  mergedInto?: Relation<Unit> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
