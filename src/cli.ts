/**
 * Administration from the command line.
 *   printf '%s' "$PASSWORD" | npm run cli -- create-user <username> --role <role> [--unit <code>] [--full-name <name>]
 *   npm run cli -- import-attachment-files [--keep-files]
 *   npm run cli -- reorganise-2025 --province <code> [--dry-run]
 * The password is read from standard input so that it never appears in the process list or shell history.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { loadSettings, type Settings } from '../config/settings.js';
import { createAttachmentStore } from './attachments/stored-attachments.service.js';
import { recordAudit } from './audit/audit-log.js';
import { importAttachmentFiles } from './attachments/import-attachment-files.js';
import { AppError } from './common/errors.js';
import { createDataSource } from './database/data-source.js';
import { resolveDatabase } from './database/database-url.js';
import { prepareDatabase } from './database/prepare.js';
import { adminMapOf } from './directory/editions/admin-map.js';
import { reorganise2025, summaryLines } from './directory/reorganise/reorganise-2025.js';
import { UnitChanges } from './directory/unit-changes.js';
import { RoutingUnitChanges } from './routing/routing-unit-changes.js';
import { actorOf } from './tickets/ticket-events.js';
import { moveOpenTicketsToUnit, returnOpenTicketsToQueue } from './tickets/ticket-unit-moves.js';
import { UserUnitChanges } from './users/user-unit-changes.js';
import { ROLES, type Role } from './users/user.entity.js';
import { UsersService } from './users/users.service.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error('pipe the password on standard input, e.g. printf \'%s\' "$PASSWORD" | npm run cli -- create-user …');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function createUser(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, unit: { type: 'string' }, 'full-name': { type: 'string' } },
  });
  const username = positionals[0];
  if (!username) throw new Error('usage: create-user <username> --role <role> [--unit <code>] [--full-name <name>]');
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of: ${ROLES.join(', ')}`);
  // the same rules as UsersService, checked before anything is read or connected, and named as the options are
  if (role === 'unit_staff' && !values.unit) throw new Error('--unit <code> is required for the role unit_staff (the unit whose tickets the user handles)');
  if (values.unit && !['unit_staff', 'leader'].includes(role)) throw new Error(`--unit is only for the roles unit_staff and leader, not ${role}`);
  const password = await readStdin();
  if (password.length < 8) throw new Error('the password (on standard input) must be at least 8 characters long');
  await withDatabase(async (ds) => {
    const user = await ds.transaction(async (m) => {
      const created = await UsersService.create(m, { username, password, role, unitCode: values.unit ?? null, fullName: values['full-name'] });
      // recorded like an admin's creation on the pages, by "the command line", in the same transaction
      await recordAudit(m, new Date(), null, {
        action: 'user.create', subjectType: 'user', subjectId: created.username,
        after: { username: created.username, fullName: created.fullName, role: created.role, unitCode: created.unitCode, active: created.active },
      }, 'Dòng lệnh (CLI)');
      return created;
    });
    console.log(`created user ${user.username} (${user.role}${user.unitCode ? `, unit ${user.unitCode}` : ''})`);
  });
}

/** Runs `work` on the application's database (DATABASE_URL, or the embedded one, started and stopped), migrated. */
async function withDatabase(work: (ds: DataSource, settings: Settings) => Promise<void>): Promise<void> {
  const settings = loadSettings();
  const db = await resolveDatabase(settings);
  try {
    await prepareDatabase(db.url, { demoUsers: false, adminMap: adminMapOf(settings) });
    const ds = createDataSource(db.url);
    await ds.initialize();
    try {
      await work(ds, settings);
    } finally {
      await ds.destroy();
    }
  } finally {
    await db.server?.stop();
  }
}

/**
 * Moves the attachments that earlier versions kept as files under UPLOAD_DIR into the attachment store
 * (ATTACHMENT_STORAGE), so that every instance serves them and a backup holds them; each file is removed once its
 * move has committed (--keep-files: left in place). Exits 1 when a file was missing or not the one recorded.
 */
async function importFiles(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'keep-files': { type: 'boolean' } } });
  await withDatabase(async (ds, settings) => {
    const store = createAttachmentStore(settings);
    try {
      const report = await importAttachmentFiles(ds, store, settings.UPLOAD_DIR, { keepFiles: values['keep-files'] });
      console.log(`moved ${report.imported} file(s) from ${settings.UPLOAD_DIR} into ${store.kind}`);
      for (const f of report.missing) console.error(`  missing: attachment ${f.id}: ${f.path}`);
      for (const f of report.changed) console.error(`  not moved: attachment ${f.id}: ${f.path}: ${f.reason}`);
      if (report.missing.length || report.changed.length) process.exitCode = 1;
    } finally {
      store.close();
    }
  });
}

/**
 * Moves an installation on the 2021 list to the 2025 map of its province (src/directory/reorganise/), in one
 * transaction; --dry-run prints what would move and changes nothing. The directory's merge is heard by the owners of
 * the rows it moves, as in the application (tickets: TicketLifecycle.moveOpenTickets is moveOpenTicketsToUnit).
 */
async function reorganise(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { province: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  if (!values.province) throw new Error('usage: reorganise-2025 --province <code> [--dry-run]');
  await withDatabase(async (ds) => {
    const changes = new UnitChanges();
    changes.onMerge('tickets', (m, merge) => moveOpenTicketsToUnit(m, { ...merge, actor: actorOf(merge.actor) }));
    changes.onRetire((m, retired) => returnOpenTicketsToQueue(m, retired));
    new RoutingUnitChanges(changes).onModuleInit();
    new UserUnitChanges(changes).onModuleInit();
    const result = await reorganise2025(ds, changes, {
      provinceCode: values.province!, dryRun: values['dry-run'] ?? false, at: new Date(), actorName: 'Dòng lệnh (CLI)',
    });
    for (const line of [...result.lines, ...summaryLines(result)]) console.log(line);
  });
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'create-user') return createUser(rest);
  if (command === 'import-attachment-files') return importFiles(rest);
  if (command === 'reorganise-2025') return reorganise(rest);
  throw new Error('commands: create-user <username> --role <role> [--unit <code>] [--full-name <name>] | import-attachment-files [--keep-files] | reorganise-2025 --province <code> [--dry-run]');
}

main().catch((e: unknown) => {
  if (e instanceof AppError) {
    const errors = (e.details?.errors as Array<{ field: string; reason: string }> | undefined) ?? [];
    const option: Record<string, string> = { unitCode: '--unit', role: '--role', username: '<username>', fullName: '--full-name' };
    console.error([e.message, ...errors.map((x) => `  ${option[x.field] ?? x.field}: ${x.reason}`)].join('\n'));
  } else console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
