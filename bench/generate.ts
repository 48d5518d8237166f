/**
 * Set-based generation of a bench data set: `n` tickets received over the two years before `now`, across the
 * communes and categories of the reference data, each with the events the application would have written for its
 * life so far (created, assigned, accepted, overdue, resolved, closed, rejected: to_status, to_unit_code and due_at
 * filled as src/intake/intake.service.ts and src/tickets/tickets.service.ts write them), about 30 % still open.
 *
 * Everything is computed in SQL (generate_series, a deterministic hash per ticket for every random choice), into a
 * work table, then copied into tickets in one statement and into ticket_events in a few large statements (every
 * event of a ticket in the same statement, in time order), so that triggers on ticket_events see ordinary inserts.
 * The secondary indexes of both tables are dropped for the load and created again from their own definitions.
 *
 * Deadlines are computed as DeadlineService does: working minutes (OFFICE_HOURS, weekdays, the holiday table) or
 * clock hours per category, the warning at DUE_SOON_PERCENT of the allowed time. Overdue and due-soon flags are
 * set as the sweeps would have set them by `now`, so a sweep at `now` finds nothing new.
 */
import type pg from 'pg';
import type { Settings } from '../config/settings.js';
import { foldText } from '../src/common/text.js';
import { parseOfficeHours } from '../src/calendar/business-calendar.js';
import { CATEGORY_SHARES, CHANNEL_SHARES, CONTENT, HAMLETS, MOBILE_PREFIXES, pickByShare, personNames, RESOLUTIONS } from './pools.js';

export interface GenerationActors {
  operator: { id: string; name: string };
  coordinator: { id: string; name: string };
}

export interface GenerationResult {
  tickets: number;
  events: number;
  open: number;
  overdueOpen: number;
  seconds: number;
}

const TZ = 'Asia/Ho_Chi_Minh';
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_SPACE = 31 ** 8;
/** Tickets per INSERT into ticket_events (all their events in one statement). */
const EVENT_CHUNK = 250_000;

/**
 * RoutingService.route, set-based: for every category and commune, the rule of the most specific area (commune,
 * district, province) and the unit it names (or the commune's People's Committee). Null unit: no rule.
 */
export const ROUTE_SQL = `
  SELECT cat.code AS category_code, c.code AS commune_code, r.id::text AS rule_id,
         CASE WHEN r.to_commune_committee THEN (SELECT u.code FROM units u WHERE u.area_code = c.code AND u.level = 'commune'
                                                 ORDER BY u.active DESC, u.code LIMIT 1)
              ELSE r.unit_code END AS unit_code
    FROM categories cat CROSS JOIN areas c
    LEFT JOIN areas d ON d.code = c.parent_code
    LEFT JOIN LATERAL (
         SELECT r.* FROM routing_rules r
          WHERE r.category_code = cat.code AND (r.area_code IS NULL OR r.area_code IN (c.code, c.parent_code, d.parent_code))
          ORDER BY CASE WHEN r.area_code = c.code THEN 0 WHEN r.area_code = c.parent_code THEN 1
                        WHEN r.area_code IS NOT NULL THEN 2 ELSE 3 END
          LIMIT 1) r ON true
   WHERE c.level = 'commune'`;

/** A uniform number in [0, 1) for ticket `g` and a salt: deterministic, and safe in parallel plans. */
const rnd = (salt: number, g = 'g') => `((hashint8extended(${g}::bigint, ${salt}) & 2147483647)::float8 / 2147483648.0)`;

/**
 * The tracking code of ticket `g`: a bijection of g onto the 31^8 codes (looks random, never repeats), in the
 * alphabet of src/tickets/ticket-code.ts.
 */
export function codeSql(g: string): string {
  const x = `((${g})::bigint * 7777777 + 12345) % ${CODE_SPACE}`;
  const digit = (i: number) => `substr('${ALPHABET}', ((${x}) / ${31 ** i} % 31)::int + 1, 1)`;
  return `('PA-' || ${[7, 6, 5, 4].map(digit).join(' || ')} || '-' || ${[3, 2, 1, 0].map(digit).join(' || ')})`;
}

/** The id of ticket `g` (deterministic, so that a duplicate can name the ticket before it). */
const idSql = (g: string) => `md5('bench-ticket-' || (${g})::text)::uuid`;

interface Period {
  start: number;
  end: number;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Working minutes of a local day before minute-of-day `m` (a SQL expression). */
function workedBefore(periods: Period[], m: string): string {
  return periods.map((p) => `LEAST(GREATEST(${m} - ${p.start}, 0), ${p.end - p.start})`).join(' + ');
}

/** Minute-of-day at which `w` working minutes of a day (0 < w <= total) have elapsed; a period end stays there. */
function minuteAtWorked(periods: Period[], w: string): string {
  let before = 0;
  const arms = periods.map((p) => {
    const arm = `WHEN ${w} <= ${before + p.end - p.start} THEN ${p.start} + (${w} - ${before})`;
    before += p.end - p.start;
    return arm;
  });
  return `(CASE ${arms.join(' ')} ELSE ${periods[periods.length - 1].end} END)`;
}

/** Index definitions of a table other than those backing a constraint (primary key, unique). */
async function secondaryIndexes(db: pg.Client, tables: string[]): Promise<Array<{ name: string; def: string }>> {
  const { rows } = await db.query(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY t.relname, c.relname`,
    [tables],
  );
  return rows;
}

export async function generateData(
  db: pg.Client, n: number, now: Date, settings: Settings, actors: GenerationActors, log: (m: string) => void,
): Promise<GenerationResult> {
  const t0 = Date.now();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const s = Date.now();
    const res = await db.query(sql, params);
    log(`${label} (${((Date.now() - s) / 1000).toFixed(1)} s)`);
    return res;
  };
  // jit off: compiling these long expressions takes far longer than running them
  await db.query(`SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'; SET synchronous_commit = off; SET jit = off`);

  // ---- lookups: words (folded as the application folds them), communes, routing, working days
  const names = personNames();
  const words: Array<[string, number, string]> = [
    ...names.map((t, k): [string, number, string] => ['name', k, t]),
    ...HAMLETS.map((t, k): [string, number, string] => ['hamlet', k, t]),
    ...RESOLUTIONS.map((t, k): [string, number, string] => ['resolution', k, t]),
    ...Object.entries(CONTENT).flatMap(([cat, list]) => list.map((t, k): [string, number, string] => [`content:${cat}`, k, t])),
  ];
  await db.query(
    `CREATE TEMP TABLE bench_words AS
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS w(kind, k, text, folded)`,
    [words.map((w) => w[0]), words.map((w) => w[1]), words.map((w) => w[2]), words.map((w) => foldText(w[2]))],
  );
  await db.query(`CREATE INDEX ON bench_words (kind, k)`);
  const contentCounts = Object.fromEntries(Object.entries(CONTENT).map(([c, l]) => [c, l.length]));
  const { rows: areaRows } = await db.query(`SELECT code, name FROM areas`);
  await db.query(
    `CREATE TEMP TABLE bench_communes AS
     SELECT (row_number() OVER (ORDER BY a.code) - 1)::int AS k, a.code, a.parent_code AS district_code,
            f.folded AS folded_name, fd.folded AS folded_district,
            (SELECT u.code FROM units u WHERE u.area_code = a.parent_code AND u.level = 'district' AND u.parent_code IS NULL
              ORDER BY u.code LIMIT 1) AS district_office
       FROM areas a
       JOIN unnest($1::text[], $2::text[]) AS f(code, folded) ON f.code = a.code
       LEFT JOIN unnest($1::text[], $2::text[]) AS fd(code, folded) ON fd.code = a.parent_code
      WHERE a.level = 'commune'`,
    [areaRows.map((r: { code: string }) => r.code), areaRows.map((r: { name: string }) => foldText(r.name))],
  );
  const communes = Number((await db.query(`SELECT count(*) FROM bench_communes`)).rows[0].count);
  if (!communes) throw new Error('no communes in the reference data');
  await db.query(`CREATE TEMP TABLE bench_route AS ${ROUTE_SQL}`);
  const hours = parseOfficeHours(settings.OFFICE_HOURS);
  const periods: Period[] = hours.periods.map((p) => ({ start: minutes(p.start), end: minutes(p.end) })).sort((a, b) => a.start - b.start);
  const perDay = periods.reduce((s, p) => s + p.end - p.start, 0);
  // working days from before the first ticket to well after the last deadline; cum = working days before the day
  await db.query(
    `CREATE TEMP TABLE bench_days AS
     SELECT d, working, (sum(working::int) OVER (ORDER BY d) - working::int)::int AS cum
       FROM (SELECT d::date AS d,
                    CASE cd.kind WHEN 'work' THEN true WHEN 'off' THEN false
                         ELSE extract(isodow FROM d)::int = ANY($2::int[]) END AS working
               FROM generate_series(($1::timestamptz AT TIME ZONE '${TZ}')::date - 740, ($1::timestamptz AT TIME ZONE '${TZ}')::date + 400, interval '1 day') d
               LEFT JOIN calendar_days cd ON cd.date = d::date) x`,
    [now, hours.workdays],
  );
  await db.query(`CREATE UNIQUE INDEX ON bench_days (d); CREATE TEMP TABLE bench_workdays AS SELECT cum, d FROM bench_days WHERE working;
                  CREATE UNIQUE INDEX ON bench_workdays (cum); ANALYZE bench_days; ANALYZE bench_workdays; ANALYZE bench_route; ANALYZE bench_words`);

  // ---- every ticket, computed once
  const share = settings.DUE_SOON_PERCENT / 100;
  const phones = Math.min(8_000_000, Math.max(1000, Math.round(n * 0.45)));
  const contentCount = `(CASE category_code ${Object.entries(contentCounts).map(([c, k]) => `WHEN '${c}' THEN ${k}`).join(' ')} ELSE 1 END)`;
  await db.query(`DROP TABLE IF EXISTS bench_gen`);
  await step(`  work table of ${n} tickets`, `
    CREATE UNLOGGED TABLE bench_gen AS
    WITH base AS (
      SELECT g, ${rnd(1)} AS u_day, ${rnd(2)} AS u_time, ${rnd(8)} AS u_outcome, ${rnd(9)} AS u_open,
             ${rnd(10)} AS u_a, ${rnd(11)} AS u_b, ${rnd(12)} AS u_c, ${rnd(13)} AS u_d, ${rnd(14)} AS u_e, ${rnd(7)} AS u_text,
             ${pickByShare(rnd(3), CATEGORY_SHARES)} AS category_code,
             ${pickByShare(rnd(5), CHANNEL_SHARES as Array<[string, number]>)} AS channel,
             floor(${communes} * power(${rnd(4)}, 1.4))::int AS commune_k,
             floor(${rnd(6)} * ${phones})::bigint AS phone_k
        FROM generate_series(1, $2::int) g),
    received AS MATERIALIZED (
      SELECT b.*,
             CASE WHEN r0 > $1::timestamptz THEN r0 - interval '1 day' ELSE r0 END AS received_at
        FROM (SELECT base.*, ((($1::timestamptz AT TIME ZONE '${TZ}')::date - floor(u_day * 730)::int)::timestamp
                       + interval '6 hours' + u_time * interval '16 hours') AT TIME ZONE '${TZ}' AS r0 FROM base) b),
    placed AS (
      SELECT r.*, c.code AS area_code, c.folded_name, c.folded_district, c.district_office,
             rt.rule_id, rt.unit_code AS route_unit, cat.deadline_hours, cat.deadline_mode, cat.urgent,
             (r.received_at AT TIME ZONE '${TZ}') AS lt
        FROM received r
        JOIN bench_communes c ON c.k = LEAST(r.commune_k, ${communes - 1})
        JOIN categories cat ON cat.code = r.category_code
        LEFT JOIN bench_route rt ON rt.category_code = r.category_code AND rt.commune_code = c.code),
    positioned AS MATERIALIZED (
      SELECT p.*, bd.cum * ${perDay} + CASE WHEN bd.working THEN ${workedBefore(periods, `(extract(epoch FROM p.lt - p.lt::date::timestamp) / 60)`)} ELSE 0 END AS pos
        FROM placed p JOIN bench_days bd ON bd.d = p.lt::date),
    targets AS (
      SELECT p.*, p.pos + p.deadline_hours * 60 AS due_pos, p.pos + p.deadline_hours * 60 * ${share} AS warn_pos FROM positioned p),
    deadlines AS MATERIALIZED (
      SELECT t.*,
             CASE WHEN t.deadline_mode = 'clock' THEN t.received_at + t.deadline_hours * interval '1 hour'
                  ELSE ((wd.d::timestamp + ${minuteAtWorked(periods, `(t.due_pos - wd.cum * ${perDay})`)} * interval '1 minute') AT TIME ZONE '${TZ}') END AS due_at,
             CASE WHEN t.deadline_mode = 'clock' THEN t.received_at + t.deadline_hours * ${share} * interval '1 hour'
                  ELSE ((ww.d::timestamp + ${minuteAtWorked(periods, `(t.warn_pos - ww.cum * ${perDay})`)} * interval '1 minute') AT TIME ZONE '${TZ}') END AS warn_at
        FROM targets t
        LEFT JOIN bench_workdays wd ON wd.cum = ceil(t.due_pos / ${perDay})::int - 1
        LEFT JOIN bench_workdays ww ON ww.cum = ceil(t.warn_pos / ${perDay})::int - 1),
    planned AS (
      SELECT d.*,
             (d.route_unit IS NOT NULL) AS routed,
             CASE WHEN d.u_outcome < 0.46 THEN 'closed' WHEN d.u_outcome < 0.61 THEN 'resolved'
                  WHEN d.u_outcome < 0.70 THEN 'rejected' ELSE 'open' END AS outcome
        FROM deadlines d),
    lifecycle AS (
      SELECT p.*,
             -- a ticket without a routing rule waits for a coordinator, who gives it to the district office
             CASE WHEN NOT p.routed AND p.outcome <> 'rejected' AND NOT (p.outcome = 'open' AND p.u_open < 0.25)
                  THEN p.received_at + interval '5 minutes' + p.u_a * interval '4 hours' END AS assigned_plan,
             CASE WHEN p.outcome IN ('closed', 'resolved') OR (p.outcome = 'open' AND p.u_open >= CASE WHEN p.routed THEN 0.45 ELSE 0.6 END)
                  THEN true ELSE false END AS accepts,
             p.outcome IN ('closed', 'resolved') AND p.u_c < 0.08 AS late
        FROM planned p),
    timed AS (
      SELECT l.*,
             CASE WHEN l.accepts THEN COALESCE(l.assigned_plan, l.received_at) + interval '2 minutes' + l.u_b * l.u_b * interval '24 hours' END AS accepted_plan,
             CASE WHEN l.outcome = 'rejected' THEN l.received_at + interval '10 minutes' + l.u_d * interval '2 days' END AS rejected_plan
        FROM lifecycle l),
    resolved AS MATERIALIZED (
      SELECT t.*,
             CASE WHEN t.outcome IN ('closed', 'resolved') THEN
                  CASE WHEN t.late THEN t.due_at + interval '30 minutes' + t.u_d * interval '5 days'
                       ELSE GREATEST(t.accepted_plan + interval '10 minutes', t.received_at + (t.due_at - t.received_at) * (0.2 + 0.75 * t.u_d)) END
             END AS resolved_plan
        FROM timed t),
    reached AS MATERIALIZED (
      SELECT r.*,
             CASE WHEN r.assigned_plan <= $1 THEN r.assigned_plan END AS assigned_at_r,
             CASE WHEN r.accepted_plan <= $1 THEN r.accepted_plan END AS accepted_at_r,
             CASE WHEN r.resolved_plan <= $1 THEN r.resolved_plan END AS resolved_at_r,
             CASE WHEN r.outcome = 'closed' AND r.resolved_plan + interval '1 hour' + r.u_e * interval '3 days' <= $1
                  THEN r.resolved_plan + interval '1 hour' + r.u_e * interval '3 days' END AS closed_at_r,
             CASE WHEN r.rejected_plan <= $1 THEN r.rejected_plan END AS rejected_at_r
        FROM resolved r)
    SELECT x.*,
           CASE WHEN x.closed_at_r IS NOT NULL THEN 'closed' WHEN x.resolved_at_r IS NOT NULL THEN 'resolved'
                WHEN x.rejected_at_r IS NOT NULL THEN 'rejected' WHEN x.accepted_at_r IS NOT NULL THEN 'in_progress'
                WHEN x.routed OR x.assigned_at_r IS NOT NULL THEN 'assigned' ELSE 'received' END AS status,
           -- the unit holding the ticket (the one created with, or the coordinator's choice)
           CASE WHEN x.routed THEN x.route_unit WHEN x.assigned_at_r IS NOT NULL THEN x.district_office END AS unit_code,
           COALESCE(x.resolved_at_r, x.rejected_at_r) AS ended_at,
           -- the sweep flags an open ticket at its deadline (once per deadline)
           (x.due_at < $1 AND x.due_at < COALESCE(x.resolved_at_r, x.rejected_at_r, 'infinity')) AS went_overdue,
           (x.warn_at <= LEAST($1, COALESCE(x.resolved_at_r, x.rejected_at_r, 'infinity'))) AS was_warned
      FROM reached x`, [now, n]);
  await db.query(`CREATE UNIQUE INDEX ON bench_gen (g); ANALYZE bench_gen`);

  // ---- tickets
  const dropped = await secondaryIndexes(db, ['tickets', 'ticket_events']);
  for (const ix of dropped) await db.query(`DROP INDEX "${ix.name}"`);
  log(`  dropped ${dropped.length} secondary indexes for the load`);
  const word = (kind: string, k: string) => `(SELECT w.text FROM bench_words w WHERE w.kind = ${kind} AND w.k = ${k})`;
  const folded = (kind: string, k: string) => `(SELECT w.folded FROM bench_words w WHERE w.kind = ${kind} AND w.k = ${k})`;
  // E.164 of a national number: a mobile prefix and 7 digits, one number per phone_k (a bijection below 9 million)
  const prefixes = `ARRAY[${MOBILE_PREFIXES.map((p) => `'${p.slice(1)}'`).join(', ')}]`;
  const phone = `('+84' || (${prefixes})[1 + (g.phone_k % ${MOBILE_PREFIXES.length})::int]
                   || lpad((((g.phone_k / ${MOBILE_PREFIXES.length}) * 7919) % 9000000 + 1000000)::text, 7, '0'))`;
  await step(`  ${n} tickets`, `
    INSERT INTO tickets (id, code, channel, status, reporter_name, reporter_phone, reporter_email, area_code, address, category_code,
                         content, urgent, assigned_unit_code, received_at, due_at, warn_at, warned_for_due_at, overdue_at,
                         overdue_for_due_at, resolved_at, closed_at, rejected_at, resolution, reject_reason, duplicate_of_id,
                         search_text, created_at, updated_at, version)
    SELECT id, code, channel, status, reporter_name, reporter_phone, reporter_email, area_code, address, category_code,
           content, urgent, unit_code, received_at, due_at, warn_at, warned_for_due_at, overdue_at,
           overdue_for_due_at, resolved_at, closed_at, rejected_at, resolution, reject_reason, duplicate_of_id,
           lower(code) || ' • ' || folded_name || ' • ' || reporter_phone || ' • 0' || substr(reporter_phone, 4)
             || COALESCE(' • ' || reporter_email, '') || ' • ' || folded_address || ' • ' || folded_commune
             || COALESCE(' • ' || folded_district, '') || ' • ' || folded_content,
           received_at, updated_at, version
      FROM (
        SELECT ${idSql('g.g')} AS id, ${codeSql('g.g')} AS code, g.channel, g.status,
               ${word(`'name'`, `(g.phone_k % ${names.length})::int`)} AS reporter_name,
               ${folded(`'name'`, `(g.phone_k % ${names.length})::int`)} AS folded_name,
               ${phone} AS reporter_phone,
               CASE WHEN g.channel = 'email' THEN 'nguoidan' || g.phone_k || '@gmail.com' END AS reporter_email,
               g.area_code, g.folded_name AS folded_commune, g.folded_district,
               'Số ' || (g.phone_k % 300 + 1) || ', ' || ${word(`'hamlet'`, `((g.phone_k / 7) % ${HAMLETS.length})::int`)} AS address,
               'so ' || (g.phone_k % 300 + 1) || ', ' || ${folded(`'hamlet'`, `((g.phone_k / 7) % ${HAMLETS.length})::int`)} AS folded_address,
               g.category_code,
               ${word(`'content:' || g.category_code`, `floor(g.u_text * ${contentCount})::int`)} || ', '
                 || ${word(`'hamlet'`, `((g.phone_k / 7) % ${HAMLETS.length})::int`)} || ', hộ số ' || (g.phone_k % 300 + 1) || '.' AS content,
               ${folded(`'content:' || g.category_code`, `floor(g.u_text * ${contentCount})::int`)} || ', '
                 || ${folded(`'hamlet'`, `((g.phone_k / 7) % ${HAMLETS.length})::int`)} || ', ho so ' || (g.phone_k % 300 + 1) || '.' AS folded_content,
               g.urgent, g.unit_code, g.received_at, g.due_at, g.warn_at,
               CASE WHEN g.was_warned THEN g.due_at END AS warned_for_due_at,
               CASE WHEN g.went_overdue THEN g.due_at END AS overdue_at,
               CASE WHEN g.went_overdue THEN g.due_at END AS overdue_for_due_at,
               g.resolved_at_r AS resolved_at, g.closed_at_r AS closed_at, g.rejected_at_r AS rejected_at,
               CASE WHEN g.resolved_at_r IS NOT NULL THEN ${word(`'resolution'`, `(g.g % ${RESOLUTIONS.length})::int`)} END AS resolution,
               CASE WHEN g.rejected_at_r IS NOT NULL THEN
                    CASE WHEN g.u_e < 0.5 OR g.g = 1 THEN 'out_of_scope' WHEN g.u_e < 0.75 THEN 'spam' ELSE 'duplicate' END END AS reject_reason,
               CASE WHEN g.rejected_at_r IS NOT NULL AND g.u_e >= 0.75 AND g.g > 1 THEN ${idSql('g.g - 1')} END AS duplicate_of_id,
               GREATEST(g.received_at, g.assigned_at_r, g.accepted_at_r, g.resolved_at_r, g.closed_at_r, g.rejected_at_r) AS updated_at,
               1 + (g.assigned_at_r IS NOT NULL)::int + (g.accepted_at_r IS NOT NULL)::int + (g.resolved_at_r IS NOT NULL)::int
                 + (g.closed_at_r IS NOT NULL)::int + (g.rejected_at_r IS NOT NULL)::int AS version
          FROM bench_gen g
         ORDER BY g.received_at) t`);

  // ---- events: every event of a ticket in the same statement, in time order
  const sys = 'Hệ thống';
  for (let lo = 1; lo <= n; lo += EVENT_CHUNK) {
    const hi = Math.min(n, lo + EVENT_CHUNK - 1);
    await step(`  events of tickets ${lo}–${hi}`, `
      INSERT INTO ticket_events (ticket_id, type, at, actor_id, actor_name, from_status, to_status, from_unit_code, to_unit_code, due_at, note, internal, data)
      SELECT ${idSql('t.g')}, e.type, e.at, e.actor_id, e.actor_name, e.from_status, e.to_status, e.from_unit, e.to_unit, e.due_at, e.note, false, e.data
        FROM bench_gen t
        CROSS JOIN LATERAL (VALUES
          (1, 'created', t.received_at,
              CASE WHEN t.channel IN ('hotline', 'walk_in') THEN $3::uuid END,
              CASE WHEN t.channel IN ('hotline', 'walk_in') THEN $4 ELSE ${word(`'name'`, `(t.phone_k % ${names.length})::int`)} END,
              NULL, CASE WHEN t.routed THEN 'assigned' ELSE 'received' END, NULL, t.route_unit, t.due_at,
              CASE WHEN t.routed THEN 'Phân công tự động theo quy tắc.' ELSE 'Không có quy tắc phân công phù hợp: chờ điều phối viên.' END,
              -- one creation in 40 found a likely duplicate (the ticket before it, same caller), as the duplicate search writes it
              jsonb_build_object('channel', t.channel, 'routingRuleId', t.rule_id, 'likelyDuplicates',
                CASE WHEN t.g % 40 = 0 THEN jsonb_build_array(jsonb_build_object('code', ${codeSql('t.g - 1')}, 'reason', 'same_phone', 'similarity', 1))
                     ELSE '[]'::jsonb END)),
          (2, 'assigned', t.assigned_at_r, $5::uuid, $6, 'received', 'assigned', NULL, t.district_office, t.due_at, NULL,
              jsonb_build_object('categoryCode', t.category_code, 'areaCode', t.area_code)),
          (3, 'accepted', t.accepted_at_r, NULL, 'Cán bộ đơn vị', 'assigned', 'in_progress', t.unit_code, t.unit_code, t.due_at, NULL, '{}'::jsonb),
          (4, 'overdue', CASE WHEN t.went_overdue THEN t.due_at END, NULL, '${sys}', NULL, NULL,
              CASE WHEN t.routed OR t.assigned_at_r < t.due_at THEN t.unit_code END,
              CASE WHEN t.routed OR t.assigned_at_r < t.due_at THEN t.unit_code END, NULL,
              'Phản ánh đã quá hạn xử lý.', jsonb_build_object('dueAt', t.due_at)),
          (5, 'resolved', t.resolved_at_r, NULL, 'Cán bộ đơn vị', 'in_progress', 'resolved', t.unit_code, t.unit_code, t.due_at,
              ${word(`'resolution'`, `(t.g % ${RESOLUTIONS.length})::int`)}, '{}'::jsonb),
          (6, 'closed', t.closed_at_r, $5::uuid, $6, 'resolved', 'closed', t.unit_code, t.unit_code, t.due_at, NULL, '{}'::jsonb),
          (7, 'rejected', t.rejected_at_r, $5::uuid, $6, CASE WHEN t.routed THEN 'assigned' ELSE 'received' END, 'rejected',
              t.unit_code, t.unit_code, t.due_at, NULL,
              jsonb_build_object('reason', CASE WHEN t.u_e < 0.5 OR t.g = 1 THEN 'out_of_scope' WHEN t.u_e < 0.75 THEN 'spam' ELSE 'duplicate' END,
                                 'duplicateOf', CASE WHEN t.u_e >= 0.75 AND t.g > 1 THEN ${codeSql('t.g - 1')} END))
        ) AS e(seq, type, at, actor_id, actor_name, from_status, to_status, from_unit, to_unit, due_at, note, data)
       WHERE t.g BETWEEN $1 AND $2 AND e.at IS NOT NULL
       ORDER BY e.at, t.g, e.seq`,
      [lo, hi, actors.operator.id, actors.operator.name, actors.coordinator.id, actors.coordinator.name]);
  }
  await db.query(`DROP TABLE bench_gen`);

  for (const ix of dropped) {
    const s = Date.now();
    await db.query(ix.def);
    log(`  index ${ix.name} (${((Date.now() - s) / 1000).toFixed(1)} s)`);
  }
  await step('  vacuum and analyze', `VACUUM (ANALYZE)`);
  const { rows: [c] } = await db.query(
    `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_events)::int AS events,
            (SELECT count(*) FROM tickets WHERE status IN ('received', 'assigned', 'in_progress'))::int AS open,
            (SELECT count(*) FROM tickets WHERE status IN ('received', 'assigned', 'in_progress') AND due_at < $1)::int AS overdue_open`,
    [now],
  );
  return { tickets: c.tickets, events: c.events, open: c.open, overdueOpen: c.overdue_open, seconds: (Date.now() - t0) / 1000 };
}
