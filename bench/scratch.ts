/**
 * The bench's scratch databases: created on the scratch server (DATABASE_URL's, else the local PostgreSQL, else an
 * embedded one), brought up to date exactly as the application does at start-up (prepareDatabase: migrations under
 * the advisory lock, then the reference data), given the bench's users and notification addresses, and dropped.
 */
import pg from 'pg';
import { createDataSource } from '../src/database/data-source.js';
import { resolveScratchServer, withDatabaseName } from '../src/database/database-url.js';
import type { EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { prepareDatabase } from '../src/database/prepare.js';
import type { Role } from '../src/users/user.entity.js';
import { UsersService } from '../src/users/users.service.js';

export const BENCH_PASSWORD = 'bench-mat-khau-1022';

export interface BenchUser {
  id: string;
  username: string;
  name: string;
  role: Role;
}

export interface BenchUsers {
  operator: BenchUser;
  coordinator: BenchUser;
}

export class ScratchServer {
  private constructor(readonly adminUrl: string, private readonly server: EmbeddedDatabase | undefined, private readonly admin: pg.Client) {}

  static async open(): Promise<ScratchServer> {
    const { adminUrl, server } = await resolveScratchServer();
    const admin = new pg.Client({ connectionString: adminUrl });
    admin.on('error', (e) => console.error(`bench: maintenance session: ${e.message}`));
    await admin.connect();
    return new ScratchServer(adminUrl, server, admin);
  }

  /** A new empty database; its URL. */
  async create(name: string): Promise<string> {
    await this.admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await this.admin.query(`CREATE DATABASE "${name}"`);
    return withDatabaseName(this.adminUrl, name);
  }

  async drop(name: string): Promise<void> {
    await this.admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }

  async close(): Promise<void> {
    await this.admin.end().catch(() => undefined);
    await this.server?.stop().catch(() => undefined);
  }
}

/**
 * Migrations and reference data as the application applies them, then the bench's accounts, and the notification
 * addresses a province would have set (one per unit, the coordinators' list) so that the sweeps write notices.
 */
export async function prepareBenchDatabase(url: string): Promise<BenchUsers> {
  await prepareDatabase(url, { demoUsers: false });
  const ds = createDataSource(url, { extra: { max: 2 } });
  await ds.initialize();
  try {
    return await ds.transaction(async (m) => {
      const make = async (username: string, role: Role, fullName: string): Promise<BenchUser> => {
        const u = await UsersService.create(m, { username, role, fullName, password: BENCH_PASSWORD, unitCode: null });
        return { id: u.id, username, name: fullName, role };
      };
      const operator = await make('bench-tongdaivien', 'operator', 'Tổng đài viên (bench)');
      const coordinator = await make('bench-dieuphoi', 'coordinator', 'Điều phối viên (bench)');
      await m.query(`UPDATE units SET emails = ARRAY[lower(code) || '@donvi.travinh.gov.vn'] WHERE cardinality(emails) = 0`);
      await m.query(`UPDATE recipient_lists SET emails = ARRAY['dieuphoi@tongdai1022.travinh.gov.vn'] WHERE code = 'coordinators'`);
      return { operator, coordinator };
    });
  } finally {
    await ds.destroy();
  }
}
