import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { hashPassword, verifyPassword } from './password.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AuthUser } from '../common/auth-user.js';
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

/** What the audit log keeps of an account (never its password or hash). */
const auditView = (u: User) => ({ ...publicUser(u) });

/** One page of accounts for the admins' list. */
export interface UserQuery {
  /** Part of the username or the full name, folded for diacritics and case. */
  search?: string;
  role?: Role;
  page: number;
  pageSize: number;
}

/** Accounts: the rules on roles and units live here, for the API, the CLI and the demo data alike. */
@Injectable()
export class UsersService {
  constructor(private readonly ds: DataSource, private readonly clock: Clock, private readonly audit: AuditLog) {}

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

  /** Creates an account, recorded in the audit log with who created it (the password never is). */
  createUser(input: NewUser, actor: AuthUser | null = null): Promise<User> {
    return this.ds.transaction(async (m) => {
      const user = await UsersService.create(m, input);
      await this.audit.record(m, actor, { action: 'user.create', subjectType: 'user', subjectId: user.username, before: null, after: auditView(user) });
      return user;
    });
  }

  list(): Promise<User[]> {
    return this.ds.getRepository(User).find({ order: { username: 'ASC' } });
  }

  get(username: string): Promise<User | null> {
    return this.ds.getRepository(User).findOneBy({ username });
  }

  /** One page of accounts, by username; `search` matches the username or the full name without regard to diacritics. */
  async search(q: UserQuery): Promise<{ items: User[]; total: number }> {
    const qb = this.ds.getRepository(User).createQueryBuilder('u');
    if (q.search) {
      const words = foldForSearch(q.search).split(' ').filter(Boolean).slice(0, 5);
      words.forEach((w, i) => qb.andWhere(
        `(translate(lower(u.username || ' ' || u.full_name), :from, :to) LIKE :w${i})`,
        { from: FOLD_FROM, to: FOLD_TO, [`w${i}`]: `%${w.replace(/[\\%_]/g, '\\$&')}%` },
      ));
    }
    if (q.role) qb.andWhere('u.role = :role', { role: q.role });
    const [items, total] = await qb.orderBy('u.active', 'DESC').addOrderBy('u.username', 'ASC')
      .skip((q.page - 1) * q.pageSize).take(q.pageSize).getManyAndCount();
    return { items, total };
  }

  /**
   * Changes an account; the change is recorded in the audit log in the same transaction (the action names what
   * happened: a deactivation, a password reset, or another change).
   */
  async update(username: string, changes: UserChanges, actor: AuthUser | null = null): Promise<User> {
    return this.ds.transaction(async (m) => {
      const user = await m.findOne(User, { where: { username }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw notFound(`Không tìm thấy tài khoản "${username}".`);
      const before = auditView(user);
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
      const saved = await m.save(user);
      const after = auditView(saved);
      const action = before.active && !after.active ? 'user.deactivate'
        : !before.active && after.active ? 'user.activate'
          : changes.password !== undefined && JSON.stringify(before) === JSON.stringify(after) ? 'user.reset_password'
            : 'user.update';
      await this.audit.record(m, actor, {
        action, subjectType: 'user', subjectId: saved.username,
        before: changes.password !== undefined ? { ...before, passwordState: 'cũ' } : before,
        after: changes.password !== undefined ? { ...after, passwordState: 'mới (đã đặt lại)' } : after,
      });
      return saved;
    });
  }

  /** The user for a username and password, or null. Always spends the time of one hash check. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const user = await this.ds.getRepository(User).findOneBy({ username, active: true });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    return user && ok ? user : null;
  }
}

/** Vietnamese letters with diacritics and their plain forms (for search without diacritics, as the text module folds). */
const FOLD_FROM = 'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ';
const FOLD_TO = 'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd';

function foldForSearch(s: string): string {
  const lower = s.toLowerCase().normalize('NFC');
  let out = '';
  for (const ch of lower) {
    const i = FOLD_FROM.indexOf(ch);
    out += i >= 0 ? FOLD_TO[i] : ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
