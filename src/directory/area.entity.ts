import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';

export type AreaLevel = 'province' | 'district' | 'commune';

/** An administrative area (GSO code): province → district → commune, ward or town. */
@Entity('areas')
export class Area {
  @PrimaryColumn({ type: 'varchar', length: 10 })
  code: string;

  /** Official name as the GSO list prints it: "Phường 4", "Xã Hòa Lợi", "Huyện Cầu Ngang". */
  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  level: AreaLevel;

  /** "Tỉnh", "Thành phố", "Huyện", "Thị xã", "Xã", "Phường", "Thị trấn". */
  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Index()
  @Column({ type: 'varchar', length: 10, nullable: true })
  parentCode: string | null;

  @ManyToOne(() => Area, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_code' })
  parent?: Relation<Area> | null;
}
