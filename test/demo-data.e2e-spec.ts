import { DEMO_TICKETS, DemoDataService } from '../src/demo/demo-data.service.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The demo tickets `npm start` loads into an empty embedded database: written through the import, once. */
describe('demo data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-10T09:00:00+07:00' });
    await t.userToken('admin', null, 'admin');
  });
  afterAll(() => t.close());

  it('loads every demo ticket once, with its text intact, and leaves a database with tickets alone', async () => {
    const demo = t.app.get(DemoDataService);
    await demo.seedIfEmpty();
    const rows: Array<{ content: string; reporter_name: string; channel: string }> = await t.ds.query(`SELECT content, reporter_name, channel FROM tickets`);
    expect(rows).toHaveLength(DEMO_TICKETS.length);
    // the CSV written for the import quotes what needs it (commas, quotes): every text arrives as written
    expect(rows.map((r) => r.content).sort()).toEqual(DEMO_TICKETS.map((d) => d.content).sort());
    expect(rows.map((r) => r.reporter_name).sort()).toEqual(DEMO_TICKETS.map((d) => d.name).sort());
    expect(DEMO_TICKETS.some((d) => d.content.includes(','))).toBe(true);
    // the demo covers every channel
    expect(new Set(rows.map((r) => r.channel)).size).toBe(7);

    await demo.seedIfEmpty();
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM tickets`);
    expect(n).toBe(DEMO_TICKETS.length);
  });
});
