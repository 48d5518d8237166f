import { ReportMailerService } from '../src/reports/report-mailer.service.js';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from './support/test-app.js';

/**
 * The weekly report's weekday, set by an admin on the recipients page (stored in report_schedule, recorded in the
 * audit log), decides which day the weekly report goes out; without it, the setting REPORT_WEEKLY_WEEKDAY does.
 */
const COOKIE = 'tongdai1022_phien';

describe('weekly report weekday set on the pages (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    // Wednesday 02/03/2022 15:00; the setting says Friday
    t = await startTestApp({ now: '2022-03-02T15:00:00+07:00', env: { REPORT_WEEKLY_WEEKDAY: '5' } });
    admin = await t.userToken('admin', null, 'quantri.lich');
    await t.userToken('coordinator', null, 'dieuphoi.lich');
    await t.http().put('/api/recipient-lists/leadership').set(bearer(admin)).send({ emails: ['lanhdao@travinh.gov.vn'] }).expect(200);
  });
  afterAll(() => t?.close());

  async function session(username: string): Promise<{ cookie: string; csrf: string }> {
    const res = await t.http().post('/dang-nhap').type('form').send({ username, password: TEST_PASSWORD });
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${COOKIE}=`))!.split(';')[0];
    const page = await t.http().get('/quan-tri/nguoi-nhan').set('Cookie', cookie);
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '' };
  }
  const kinds = async () => (await t.ds.query(`SELECT kind, report_date::text AS date FROM sent_reports ORDER BY kind, report_date`)) as Array<{ kind: string; date: string }>;

  it('an admin chooses Wednesday; at the Wednesday cut-off the daily and the weekly report go out', async () => {
    const { cookie, csrf } = await session('quantri.lich');
    const page = await t.http().get('/quan-tri/nguoi-nhan').set('Cookie', cookie).expect(200);
    expect(page.text).toMatch(/<option value="5" selected>Thứ Sáu<\/option>/);

    // a value that is not a weekday is refused next to the field, nothing stored
    const bad = await t.http().post('/quan-tri/nguoi-nhan/bao-cao-tuan').set('Cookie', cookie).type('form').send({ _csrf: csrf, weeklyWeekday: '9' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="weeklyWeekday-error"');
    expect(await t.ds.query('SELECT * FROM report_schedule')).toEqual([]);

    const saved = await t.http().post('/quan-tri/nguoi-nhan/bao-cao-tuan').set('Cookie', cookie).type('form').send({ _csrf: csrf, weeklyWeekday: '3' });
    expect([saved.status, saved.headers.location]).toEqual([303, '/quan-tri/nguoi-nhan?da=luu-tuan']);
    expect((await t.http().get('/quan-tri/nguoi-nhan').set('Cookie', cookie)).text).toMatch(/<option value="3" selected>Thứ Tư<\/option>/);
    const [entry] = await t.ds.query(`SELECT action, actor_name, before, after FROM audit_entries WHERE subject_type = 'report_schedule'`);
    expect(entry).toMatchObject({ action: 'report_schedule.update', before: { weeklyWeekday: 5 }, after: { weeklyWeekday: 3 } });

    // the first tick makes reports due from now; at 16:01 on Wednesday both go out (with Friday only the daily would)
    const mailer = t.app.get(ReportMailerService);
    expect(await mailer.tick()).toBe(0);
    t.clock.set('2022-03-02T16:01:30+07:00');
    expect(await mailer.tick()).toBe(2);
    expect(await kinds()).toEqual([{ kind: 'daily', date: '2022-03-02' }, { kind: 'weekly', date: '2022-03-02' }]);
  });

  it('only admins set it', async () => {
    const { cookie, csrf } = await session('dieuphoi.lich');
    const res = await t.http().post('/quan-tri/nguoi-nhan/bao-cao-tuan').set('Cookie', cookie).type('form').send({ _csrf: csrf, weeklyWeekday: '1' });
    expect(res.status).toBe(403);
    expect((await t.ds.query('SELECT weekly_weekday FROM report_schedule'))[0].weekly_weekday).toBe(3);
  });
});
