/**
 * Administration from the command line.
 *   printf '%s' "$PASSWORD" | npm run cli -- create-user <username> --role <role> [--unit <code>] [--full-name <name>]
 * The password is read from standard input so that it never appears in the process list or shell history.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/settings.js';
import { AppError } from './common/errors.js';
import { createDataSource } from './database/data-source.js';
import { resolveDatabase } from './database/database-url.js';
import { prepareDatabase } from './database/prepare.js';
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
  const password = await readStdin();
  const settings = loadSettings();
  const db = await resolveDatabase(settings);
  try {
    await prepareDatabase(db.url, { demoUsers: false });
    const ds = createDataSource(db.url);
    await ds.initialize();
    try {
      const user = await ds.transaction((m) =>
        UsersService.create(m, { username, password, role, unitCode: values.unit ?? null, fullName: values['full-name'] }));
      console.log(`created user ${user.username} (${user.role}${user.unitCode ? `, unit ${user.unitCode}` : ''})`);
    } finally {
      await ds.destroy();
    }
  } finally {
    await db.server?.stop();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'create-user') return createUser(rest);
  throw new Error('commands: create-user <username> --role <role> [--unit <code>] [--full-name <name>]');
}

main().catch((e: unknown) => {
  if (e instanceof AppError) {
    const errors = (e.details?.errors as Array<{ field: string; reason: string }> | undefined) ?? [];
    console.error([e.message, ...errors.map((x) => `  ${x.field}: ${x.reason}`)].join('\n'));
  } else console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
