import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Area } from '../directory/area.entity.js';
import { Category } from '../directory/category.entity.js';
import { Unit } from '../directory/unit.entity.js';

/**
 * Maps a category and an area (null: the whole province) to a handling unit,
 * or to the People's Committee of the ticket's commune.
 */
@Entity('routing_rules')
@Index('uq_routing_rules_category_area', ['categoryCode', 'areaCode'], { unique: true, where: 'area_code IS NOT NULL' })
@Index('uq_routing_rules_category_province', ['categoryCode'], { unique: true, where: 'area_code IS NULL' })
@Check('ck_routing_rules_target', '(unit_code IS NOT NULL) <> to_commune_committee')
export class RoutingRule {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 32 })
  categoryCode: string;

  @ManyToOne(() => Category, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'category_code' })
  category?: Relation<Category>;

  @Column({ type: 'varchar', length: 10, nullable: true })
  areaCode: string | null;

  @ManyToOne(() => Area, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'area_code' })
  area?: Relation<Area> | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  unitCode: string | null;

  @ManyToOne(() => Unit, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_code' })
  unit?: Relation<Unit> | null;

  @Column({ type: 'boolean', default: false })
  toCommuneCommittee: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
