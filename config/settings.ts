import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, registerDecorator, ValidateBy,
  validateSync,
} from 'class-validator';
import { ADMIN_UNITS_EDITIONS, defaultEdition, provinceCodeProblem, reportProvinceName, type AdminUnitsEdition } from '../src/directory/editions/admin-map.js';

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

/** A URL that a client library can connect to: one of these schemes, a host, a valid port. */
function IsServiceUrl(protocols: string[], example: string) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isServiceUrl',
      target: object.constructor,
      propertyName,
      options: { message: `must be a URL like ${example}` },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            const u = new URL(value);
            // PostgreSQL may name a Unix socket directory in ?host= instead of a host name
            return protocols.includes(u.protocol) && (u.hostname !== '' || !!u.searchParams.get('host'));
          } catch {
            return false; // not a URL at all, or a port outside 0-65535
          }
        },
      },
    });
}

/**
 * Every setting of the application, read from the environment and validated at start-up.
 * `.env.example` lists each with a comment; keep the two in step.
 */
export class Settings {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  PORT = 3000;

  /**
   * The whole of a request, headers and body, must arrive within this many milliseconds, else 408 and the connection
   * is closed: a client that stops sending (or sends less than its Content-Length) is dropped. The default lets a
   * phone on a slow link (about 1 Mbit/s) send a report with three 5 MB photos.
   */
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 120_000;

  /** The headers of a request must arrive within this many milliseconds (at most HTTP_REQUEST_TIMEOUT_MS). */
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000)
  @ValidateBy({
    name: 'notAboveRequestTimeout',
    validator: {
      validate: (v: unknown, args) => typeof v !== 'number' || v <= (args?.object as Settings).HTTP_REQUEST_TIMEOUT_MS,
      defaultMessage: () => 'must not exceed HTTP_REQUEST_TIMEOUT_MS',
    },
  })
  HTTP_HEADERS_TIMEOUT_MS = 20_000;

  /** An idle kept-alive connection is closed after this many milliseconds (behind a proxy: above the proxy's idle timeout). */
  @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 10_000;

  /** PostgreSQL connection string; when unset an embedded PostgreSQL is started under EMBEDDED_PG_DIR. */
  @IsOptional() @IsServiceUrl(['postgres:', 'postgresql:'], 'postgres://user:password@127.0.0.1:5432/hotline')
  DATABASE_URL?: string;

  @IsString() @MinLength(1)
  EMBEDDED_PG_DIR = './var/postgres';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  /** Longest wait for a new database connection to open, in milliseconds; then 503 (the server is away or frozen). */
  @Transform(toInt) @IsInt() @Min(100) @Max(60000)
  DATABASE_CONNECT_TIMEOUT_MS = 2000;

  /**
   * Longest wait for a free connection of the pool while all of them are busy, in milliseconds; then 503. Longer than
   * the connect timeout: a server that answers but is loaded (a burst of calls, a slow disk) makes a request slower,
   * not refused; a server that is away is found out by the connect timeout and the stall check, not by this wait.
   */
  @Transform(toInt) @IsInt() @Min(100) @Max(120000)
  DATABASE_POOL_WAIT_MS = 10000;

  /** Longest statement of the application's pool (PostgreSQL's statement_timeout), in milliseconds; then 503. */
  @Transform(toInt) @IsInt() @Min(100) @Max(3600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 5000;

  /**
   * A query without an answer for this long, in milliseconds, makes the pool check that PostgreSQL answers a new
   * connection at all (within DATABASE_CONNECT_TIMEOUT_MS); when it does not (frozen, host unreachable), the query
   * fails at once (503) and its connection is dropped. A long statement on a server that answers is left to run.
   */
  @Transform(toInt) @IsInt() @Min(100) @Max(60000)
  DATABASE_QUERY_TIMEOUT_MS = 1500;

  @IsServiceUrl(['redis:', 'rediss:'], 'redis://127.0.0.1:6379 or rediss://:password@host:6380/0')
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

  /**
   * Which proxies in front of the application to believe about the client's address (Express "trust proxy"):
   * "loopback" (a proxy on the same host), "loopback, uniquelocal" (also private networks), a hop count, or addresses.
   * The public rate limit counts per client address.
   */
  @Matches(/^[0-9a-fA-F.:/,\s a-z]+$/, { message: 'must be loopback, uniquelocal, a hop count or addresses' })
  TRUST_PROXY = 'loopback';

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
  @IsServiceUrl(['smtp:', 'smtps:'], 'smtp://user:password@relay.example.gov.vn:587')
  SMTP_URL = 'smtp://127.0.0.1:1025';

  /**
   * Keep every outgoing e-mail in the application (table caught_mails, read by admins at /quan-tri/thu) instead of
   * sending it over SMTP, each recorded as sent. Unset: on in development (`npm start`) when SMTP_URL is not set,
   * off otherwise; production with SMTP_URL set is unchanged.
   */
  @IsOptional() @Transform(toBool) @IsBoolean()
  MAIL_CATCHER?: boolean;

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

  /**
   * How often an instance with workers checks that the repeating jobs (outbox relay, overdue sweep, report tick) are
   * still scheduled in Redis, and schedules again any that is missing (a Redis restarted empty), in milliseconds.
   */
  @Transform(toInt) @IsInt() @Min(100) @Max(600000)
  REPEATABLE_WATCHDOG_MS = 30000;

  /** Hour (local time) of the daily cut-off: reports count up to it and the daily e-mail goes out at it. */
  @Transform(toInt) @IsInt() @Min(0) @Max(23)
  REPORT_CUTOFF_HOUR = 16;

  /** Start of operation (ISO instant) from which the report counts; unset: the earliest received ticket. */
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, { message: 'must be an ISO-8601 instant with an offset, e.g. 2021-12-03T16:00:00+07:00' })
  REPORT_OPERATION_START?: string;

  /**
   * Province named in the report's first line ("App công dân 1022 <province>") and the pages' header; unset: the
   * installed province's name without its kind ("Trà Vinh" for 84, "Vĩnh Long" for 86, "Hà Nội" for 01).
   */
  @IsOptional() @IsString() @MinLength(1)
  REPORT_PROVINCE_NAME: string;

  /**
   * The province the hotline serves: 84 (Trà Vinh, on the 2021 list) or a 2-digit code of the 2025 list (Quyết định
   * 19/2025/QĐ-TTg: 01 Hà Nội … 86 Vĩnh Long … 96 Cà Mau). An empty database is loaded with its communes and units.
   */
  @Matches(/^\d{2}$/, { message: 'must be a 2-digit province code, e.g. 84 (2021 list) or 86 (2025 list)' })
  PROVINCE_CODE = '84';

  /**
   * Which administrative map: 2021 (province → district → commune; only Trà Vinh, 84) or 2025 (34 provinces,
   * communes directly under the province). Unset: 2021 for PROVINCE_CODE=84, else 2025.
   */
  @IsOptional() @IsIn(ADMIN_UNITS_EDITIONS)
  ADMIN_UNITS_EDITION: AdminUnitsEdition;

  /** ISO weekday (1 = Monday … 7 = Sunday) on which the weekly report is e-mailed at the cut-off; 0 turns it off. An admin's choice on the recipients page (report_schedule) replaces it. */
  @Transform(toInt) @IsInt() @Min(0) @Max(7)
  REPORT_WEEKLY_WEEKDAY = 5;

  /** A chat message or e-mail from a sender with an open ticket on the same channel within this many days joins that ticket. */
  @Transform(toInt) @IsInt() @Min(0) @Max(365)
  CONVERSATION_DAYS = 7;

  /** Likely duplicates are looked for among tickets received within this many days. */
  @Transform(toInt) @IsInt() @Min(1) @Max(365)
  DUPLICATE_DAYS = 7;

  /**
   * Scratch folder for uploads under way (the citizens' photos while they arrive, in UPLOAD_DIR/.incoming); nothing
   * is kept there: attachments go to ATTACHMENT_STORAGE. Also where `npm run cli -- import-attachment-files` finds
   * the files that earlier versions kept here.
   */
  @IsString() @MinLength(1)
  UPLOAD_DIR = './var/uploads';

  /**
   * Where the content of attachments (photos, mail attachments) is kept, so that every instance serves it and a
   * backup holds it: "postgres" (the table attachment_contents, in the ticket's own transaction) or "s3" (an
   * S3-compatible object store, S3_*).
   */
  @IsIn(['postgres', 's3'])
  ATTACHMENT_STORAGE: 'postgres' | 's3' = 'postgres';

  /** The object store's URL (MinIO, Ceph, a provider's S3); unset: Amazon S3 itself, for S3_REGION. */
  @IsOptional() @IsServiceUrl(['http:', 'https:'], 'https://s3.example.gov.vn or http://127.0.0.1:9000')
  S3_ENDPOINT?: string;

  /** The store's region (any value for most S3-compatible stores). */
  @Matches(/^[a-z0-9-]{1,50}$/, { message: 'must be a region name like us-east-1 or ap-southeast-1' })
  S3_REGION = 'us-east-1';

  /** The bucket that keeps the attachments (objects attachments/<attachment id>); required with ATTACHMENT_STORAGE=s3. */
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens' })
  S3_BUCKET?: string;

  /** Access key of the account that reads and writes the bucket; required with ATTACHMENT_STORAGE=s3. */
  @IsOptional() @IsString() @MinLength(1)
  S3_ACCESS_KEY_ID?: string;

  /** Its secret key; required with ATTACHMENT_STORAGE=s3. */
  @IsOptional() @IsString() @MinLength(1)
  S3_SECRET_ACCESS_KEY?: string;

  /** Address the bucket in the path (http://host/bucket/key), as most S3-compatible stores want, rather than as a host name. */
  @Transform(toBool) @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  /** Largest accepted upload, in bytes (per file). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(50 * 1024 * 1024)
  UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

  /** Submissions per minute and client on the public endpoints (reports, tracking lookups, app installs); page views of the form have their own ceiling of 20 × this, at least 600. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  PUBLIC_RATE_LIMIT_PER_MINUTE = 30;

  // --- Facebook Messenger (channel switched off while the secrets are unset) ---
  /** App secret that signs webhook calls (X-Hub-Signature-256). */
  @IsOptional() @IsString() @MinLength(8)
  FACEBOOK_APP_SECRET?: string;

  /** Token Meta sends back when verifying the webhook subscription. */
  @IsOptional() @IsString() @MinLength(8)
  FACEBOOK_VERIFY_TOKEN?: string;

  /** Page access token for the Send API. */
  @IsOptional() @IsString() @MinLength(8)
  FACEBOOK_PAGE_ACCESS_TOKEN?: string;

  /** Graph API base URL (tests point it at a local server). */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// URL' })
  FACEBOOK_GRAPH_URL = 'https://graph.facebook.com';

  // --- Zalo Official Account (channel switched off while the secrets are unset) ---
  @IsOptional() @IsString() @MinLength(1)
  ZALO_APP_ID?: string;

  @IsOptional() @IsString() @MinLength(8)
  ZALO_APP_SECRET?: string;

  /** The OA secret key of the webhook settings (signs X-ZEvent-Signature). */
  @IsOptional() @IsString() @MinLength(8)
  ZALO_OA_SECRET_KEY?: string;

  /** Initial OA access token; refreshed tokens are kept in the database. */
  @IsOptional() @IsString() @MinLength(8)
  ZALO_ACCESS_TOKEN?: string;

  /** Initial refresh token; each refresh stores the new one in the database. */
  @IsOptional() @IsString() @MinLength(8)
  ZALO_REFRESH_TOKEN?: string;

  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// URL' })
  ZALO_API_URL = 'https://openapi.zalo.me';

  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// URL' })
  ZALO_OAUTH_URL = 'https://oauth.zaloapp.com';

  // --- Telephone exchange and mail ---
  /** Shared secret the telephone exchange sends in X-Calls-Secret; unset: POST /api/calls answers 404. */
  @IsOptional() @IsString() @MinLength(16)
  CALLS_SHARED_SECRET?: string;

  /** Port of the built-in SMTP listener that receives citizens' mail (behind the organisation's relay); 0: off. */
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  MAIL_INBOUND_PORT = 0;

  /** Host the SMTP listener binds to. */
  @IsString() @MinLength(1)
  MAIL_INBOUND_HOST = '127.0.0.1';

  /** The hotline's mailbox address(es), comma separated; mail to other addresses is refused. */
  @IsString() @MinLength(3)
  MAIL_INBOUND_ADDRESSES = 'tongdai1022@localhost';

  /** On SIGTERM or SIGINT: the longest wait for requests, jobs and deliveries under way before the process exits, in seconds. */
  @Transform(toInt) @IsInt() @Min(1) @Max(600)
  SHUTDOWN_TIMEOUT_SECONDS = 20;

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The name of every setting, read from the validation decorators (each setting has at least one). */
export const SETTING_NAMES: readonly string[] = [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(Settings, '', true, false).map((m) => m.propertyName)),
];

/** Constraints on the kind of value; when one fails, a range or length constraint has nothing to add. */
const TYPE_CONSTRAINTS = ['isInt', 'isBoolean', 'isIn', 'isString'];

/** A value as it may appear in an error message: secrets hidden, passwords inside URLs masked. */
function shown(name: string, value: unknown): string {
  if (/SECRET|PASSWORD|TOKEN$|_KEY$/.test(name)) return '(hidden)';
  return JSON.stringify(typeof value === 'string' ? value.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@') : value);
}

/** Settings without a default (so not seen on a fresh instance). */
const OPTIONAL_KEYS = [
  'DATABASE_URL', 'JWT_SECRET', 'DEMO_USERS', 'REPORT_OPERATION_START', 'FACEBOOK_APP_SECRET', 'FACEBOOK_VERIFY_TOKEN',
  'FACEBOOK_PAGE_ACCESS_TOKEN', 'ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_ACCESS_TOKEN', 'ZALO_REFRESH_TOKEN',
  'CALLS_SHARED_SECRET', 'MAIL_CATCHER', 'REPORT_PROVINCE_NAME', 'ADMIN_UNITS_EDITION', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY',
];

const S3_SETTINGS = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/**
 * The attachment store's settings taken together: with ATTACHMENT_STORAGE=s3 the bucket and both keys are needed;
 * with postgres, S3 settings would be ignored, which is a mistake (S3 meant, the setting forgotten) rather than a choice.
 */
function attachmentStorageProblems(s: Settings): string[] {
  if (s.ATTACHMENT_STORAGE === 's3') {
    return (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const)
      .filter((key) => !s[key])
      .map((key) => `${key}: is required when ATTACHMENT_STORAGE=s3`);
  }
  return S3_SETTINGS.filter((key) => s[key])
    .map((key) => `${key}: is set but ATTACHMENT_STORAGE=postgres keeps attachments in PostgreSQL; set ATTACHMENT_STORAGE=s3 to use the object store, or unset ${key}`);
}

/** Reads and validates the settings; throws SettingsError naming every bad setting and why. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw: Record<string, unknown> = {};
  for (const key of SETTING_NAMES) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const settings = plainToInstance(Settings, raw, { exposeDefaultValues: true });
  const errors = validateSync(settings, { forbidUnknownValues: false });
  if (errors.length) {
    throw new SettingsError(
      errors.map((e) => {
        let constraints = Object.entries(e.constraints ?? {});
        if (constraints.some(([name]) => TYPE_CONSTRAINTS.includes(name))) constraints = constraints.filter(([name]) => TYPE_CONSTRAINTS.includes(name));
        return `${e.property}=${shown(e.property, e.value)}: ${constraints.map(([, message]) => message).join('; ')}`;
      }),
    );
  }
  if (settings.NODE_ENV === 'production' && !settings.JWT_SECRET) {
    throw new SettingsError(['JWT_SECRET: is required when NODE_ENV=production (at least 32 random characters, e.g. `openssl rand -hex 32`)']);
  }
  // the embedded set-up with no mail server named keeps its mail in the app rather than failing against a port where nothing listens
  if (settings.MAIL_CATCHER === undefined) settings.MAIL_CATCHER = settings.NODE_ENV === 'development' && raw.SMTP_URL === undefined;
  settings.ADMIN_UNITS_EDITION ??= defaultEdition(settings.PROVINCE_CODE);
  const province = provinceCodeProblem({ edition: settings.ADMIN_UNITS_EDITION, provinceCode: settings.PROVINCE_CODE });
  if (province) throw new SettingsError([province]);
  settings.REPORT_PROVINCE_NAME ??= reportProvinceName({ edition: settings.ADMIN_UNITS_EDITION, provinceCode: settings.PROVINCE_CODE });
  const storage = attachmentStorageProblems(settings);
  if (storage.length) throw new SettingsError(storage);
  return settings;
}
