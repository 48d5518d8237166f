import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toBool = ({ value }: { value: unknown }) => {
  if (typeof value === 'boolean') return value;
  if (value === undefined || value === '') return undefined;
  const v = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value; // left as is, so IsBoolean reports it
};
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;

/**
 * Every setting of the application, read from the environment and validated at start-up.
 * `.env.example` lists each with a comment; keep the two in step.
 */
export class Settings {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  PORT = 3000;

  /** PostgreSQL connection string; when unset an embedded PostgreSQL is started under EMBEDDED_PG_DIR. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
  DATABASE_URL?: string;

  @IsString() @MinLength(1)
  EMBEDDED_PG_DIR = './var/postgres';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Matches(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Bull key in Redis, so that two deployments (or test runs) can share one Redis. */
  @Matches(/^[a-zA-Z0-9_-]+$/, { message: 'may only contain letters, digits, _ and -' })
  QUEUE_PREFIX = 'hotline';

  /** Secret that signs access tokens. Required in production; elsewhere one is generated and kept under ./var. */
  @IsOptional() @IsString() @MinLength(32, { message: 'must be at least 32 characters long' })
  JWT_SECRET?: string;

  @Transform(toInt) @IsInt() @Min(1) @Max(720)
  TOKEN_TTL_HOURS = 12;

  /** Load the demo users listed in README.md. Defaults to true only with the embedded PostgreSQL. */
  @IsOptional() @Transform(toBool) @IsBoolean()
  DEMO_USERS?: boolean;

  /** Public base URL of the application, used in links inside e-mails. */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// URL' })
  PUBLIC_URL = 'http://localhost:3000';

  /** Time allowed for a ticket that has no category yet, in hours. */
  @Transform(toInt) @IsInt() @Min(1) @Max(8760)
  DEFAULT_DEADLINE_HOURS = 72;

  /** Office hours, local time (Asia/Ho_Chi_Minh), Monday to Friday, with the lunch break between the periods. */
  @Matches(/^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}(\s*,\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})*\s*$/, { message: 'must look like 07:00-11:30,13:30-17:00' })
  OFFICE_HOURS = '07:00-11:30,13:30-17:00';

  /** How often the overdue sweep runs, in seconds. */
  @Transform(toInt) @IsInt() @Min(5) @Max(3600)
  OVERDUE_SWEEP_SECONDS = 60;

  /** Share of the allowed time after which a "due soon" warning goes out, in percent. */
  @Transform(toInt) @IsInt() @Min(1) @Max(99)
  DUE_SOON_PERCENT = 80;

  /** Local time of the morning digest of overdue tickets sent to each unit on working days. */
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM' })
  DIGEST_TIME = '07:30';

  /** Hold notification e-mails until working time (true by default). */
  @Transform(toBool) @IsBoolean()
  MAIL_ONLY_IN_WORKING_TIME = true;

  /** SMTP server that sends e-mail, e.g. smtp://user:pass@relay.example.gov.vn:587 */
  @Matches(/^smtps?:\/\//, { message: 'must start with smtp:// or smtps://' })
  SMTP_URL = 'smtp://127.0.0.1:1025';

  /** Do not try STARTTLS (for a local mail catcher). */
  @Transform(toBool) @IsBoolean()
  SMTP_IGNORE_TLS = false;

  /** Sender of every e-mail. */
  @IsString() @MinLength(3)
  MAIL_FROM = '"Tổng đài 1022" <tongdai1022@localhost>';

  /** How often the outbox is polled for messages to deliver, in milliseconds. */
  @Transform(toInt) @IsInt() @Min(100) @Max(600000)
  OUTBOX_POLL_MS = 5000;

  /** Delivery attempts before a message is marked failed (visible to admins). */
  @Transform(toInt) @IsInt() @Min(1) @Max(50)
  OUTBOX_MAX_ATTEMPTS = 8;

  /** Run the schedulers and queue workers in this process (turn off for an API-only instance). */
  @Transform(toBool) @IsBoolean()
  WORKERS_ENABLED = true;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the settings; throws SettingsError naming every bad setting and why. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const known = Object.keys(new Settings());
  const raw: Record<string, unknown> = {};
  for (const key of [...known, 'DATABASE_URL', 'JWT_SECRET', 'DEMO_USERS']) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const settings = plainToInstance(Settings, raw, { exposeDefaultValues: true });
  const errors = validateSync(settings, { forbidUnknownValues: false });
  if (errors.length) {
    throw new SettingsError(
      errors.map((e) => `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`),
    );
  }
  if (settings.NODE_ENV === 'production' && !settings.JWT_SECRET) {
    throw new SettingsError(['JWT_SECRET: is required when NODE_ENV=production']);
  }
  return settings;
}
