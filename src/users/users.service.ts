import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { hashPassword, verifyPassword } from './password.js';
import { Clock } from '../common/clock.js';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { Unit } from '../directory/unit.entity.js';
import { User, type Role } from './user.entity.js';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  unitCode?: string | null;
  fullName?: string;
}

export interface UserChanges {
  fullName?: string;
  role?: Role;
  unitCode?: string | null;
  active?: boolean;
  password?: string;
}

export const publicUser = (u: User) => ({
  username: u.username,
  fullName: u.fullName,
  role: u.role,
  unitCode: u.unitCode,
  active: u.active,
});

/** Accounts: the rules on roles and units live here, for the API, the CLI and the demo data alike. */
@Injectable()
export class UsersService {
  constructor(private readonly ds: DataSource, private readonly clock: Clock) {}

  static async create(m: EntityManager, input: NewUser): Promise<User> {
    await UsersService.checkRoleUnit(m, input.role, input.unitCode ?? null);
    if (input.password.length < 8) throw badRequest([{ field: 'password', reason: 'phải dài ít nhất 8 ký tự' }]);
    if (await m.existsBy(User, { username: input.username })) {
      throw conflict('USERNAME_TAKEN', `Tên đăng nhập "${input.username}" đã được sử dụng.`);
    }
    const user = m.create(User, {
      username: input.username,
      fullName: input.fullName ?? '',
      role: input.role,
      unitCode: input.unitCode ?? null,
      passwordHash: await hashPassword(input.password),
    });
    return m.save(user);
  }

  private static async checkRoleUnit(m: EntityManager, role: Role, unitCode: string | null): Promise<void> {
    if (role === 'unit_staff' && !unitCode) throw badRequest([{ field: 'unitCode', reason: 'bắt buộc với vai trò cán bộ đơn vị (unit_staff)' }]);
    if (!['unit_staff', 'leader'].includes(role) && unitCode) {
      throw badRequest([{ field: 'unitCode', reason: 'chỉ dùng cho vai trò unit_staff hoặc leader' }]);
    }
    if (unitCode && !(await m.existsBy(Unit, { code: unitCode, active: true }))) {
      throw badRequest([{ field: 'unitCode', reason: `không có đơn vị đang hoạt động mã "${unitCode}"` }]);
    }
  }

  createUser(input: NewUser): Promise<User> {
    return this.ds.transaction((m) => UsersService.create(m, input));
  }

  list(): Promise<User[]> {
    return this.ds.getRepository(User).find({ order: { username: 'ASC' } });
  }

  async update(username: string, changes: UserChanges): Promise<User> {
    return this.ds.transaction(async (m) => {
      const user = await m.findOne(User, { where: { username }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw notFound(`Không tìm thấy tài khoản "${username}".`);
      const role = changes.role ?? user.role;
      const unitCode = changes.unitCode !== undefined ? changes.unitCode : user.unitCode;
      await UsersService.checkRoleUnit(m, role, unitCode);
      if (changes.password !== undefined) {
        if (changes.password.length < 8) throw badRequest([{ field: 'password', reason: 'phải dài ít nhất 8 ký tự' }]);
        user.passwordHash = await hashPassword(changes.password);
      }
      const active = changes.active ?? user.active;
      // a new password, another role or unit, or a deactivation ends every token and page session issued before
      // (from this second on: tokens carry whole seconds)
      if (changes.password !== undefined || role !== user.role || unitCode !== user.unitCode || (user.active && !active)) {
        user.sessionsValidFrom = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
      }
      Object.assign(user, { role, unitCode, fullName: changes.fullName ?? user.fullName, active });
      return m.save(user);
    });
  }

  /** The user for a username and password, or null. Always spends the time of one hash check. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const user = await this.ds.getRepository(User).findOneBy({ username, active: true });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    return user && ok ? user : null;
  }
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
