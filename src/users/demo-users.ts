import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Unit } from '../directory/unit.entity.js';
import { User, type Role } from './user.entity.js';
import { UsersService } from './users.service.js';

/** The demo accounts listed in README.md; loaded only for the embedded database (or DEMO_USERS=true). */
export const DEMO_USERS: Array<{ username: string; password: string; role: Role; unitCode: string | null; fullName: string }> = [
  { username: 'admin', password: 'admin-1022', role: 'admin', unitCode: null, fullName: 'Quản trị hệ thống' },
  { username: 'dieuphoi', password: 'dieuphoi-1022', role: 'coordinator', unitCode: null, fullName: 'Nguyễn Thị Điều Phối' },
  { username: 'tongdaivien', password: 'tongdai-1022', role: 'operator', unitCode: null, fullName: 'Trần Văn Tổng Đài' },
  { username: 'soyte', password: 'soyte-1022', role: 'unit_staff', unitCode: 'SO-YTE', fullName: 'Cán bộ Sở Y tế' },
  { username: 'hoaloi', password: 'hoaloi-1022', role: 'unit_staff', unitCode: 'UB-29401', fullName: 'Cán bộ UBND xã Hòa Lợi' },
  { username: 'lanhdao', password: 'lanhdao-1022', role: 'leader', unitCode: null, fullName: 'Lãnh đạo Sở TT&TT' },
  { username: 'lanhdao-chauthanh', password: 'chauthanh-1022', role: 'leader', unitCode: 'VP-847', fullName: 'Lãnh đạo huyện Châu Thành' },
];

export async function seedDemoUsers(ds: DataSource): Promise<void> {
  await ds.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['seed-demo-users']);
    let added = 0;
    for (const u of DEMO_USERS) {
      if (await m.existsBy(User, { username: u.username })) continue;
      // a unit of the 2021 Trà Vinh list that another province's map (PROVINCE_CODE) does not have
      if (u.unitCode && !(await m.existsBy(Unit, { code: u.unitCode, active: true }))) {
        new Logger('DemoUsers').log(`demo user ${u.username} skipped: no unit ${u.unitCode} on this province's map`);
        continue;
      }
      await UsersService.create(m, u);
      added++;
    }
    if (added) new Logger('DemoUsers').log(`added ${added} demo user(s); their passwords are in README.md`);
  });
}
