import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Browser, Page } from 'playwright-core';
import { AnswersService } from '../src/answers/answers.service.js';
import { ApiClientsService } from '../src/open311/api-clients.service.js';
import { RoutingService } from '../src/routing/routing.service.js';
import { browserSession, checkPage } from './support/pages.js';
import { bearer, listen, startTestApp, tokensFor, type TestApp } from './support/test-app.js';

/**
 * Open311 GeoReport v2 end to end (real app, PostgreSQL, Redis), after the spec's examples: the services and a
 * service's definition (JSON and XML), requests sent with an API key (unknown, revoked or missing: 403) that become
 * citizen-app tickets routed like any other, refusals (400 naming the field, nothing created), and requests read by
 * anyone without a word of what the citizen sent or who they are. Then the admin's page of API clients in Chromium:
 * a key created with the keyboard, shown once, revoked after a confirmation.
 */

const CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/;
const xml = new XMLParser({ parseTagValue: false });

/** What a city system sends: the spec's form fields, the commune as the service's attribute. */
const REQUEST = {
  service_code: 'AN-SINH',
  'attribute[area_code]': '29401',
  description: 'Cầu khỉ ở ấp Bến Có bị gãy, học sinh không qua được. Liên hệ bà Trần Thị Mười.',
  first_name: 'Mười',
  last_name: 'Trần Thị',
  phone: '0987 654 321',
  email: 'tran.muoi@example.com',
  address_string: 'Số 12 ấp Bến Có',
};

describe('Open311 GeoReport v2 (e2e)', () => {
  let t: TestApp;
  let key: string;
  let clientName: string;
  let admin: string;
  let staff: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '10000' } });
    [admin, staff] = await tokensFor(t, [['admin', null, 'quantri-o311'], ['unit_staff', 'UB-29401', 'hoaloi-o311']]);
    const actor = { id: null as unknown as string, username: 'quantri-o311', fullName: 'Quản trị', role: 'admin', unitCode: null } as never;
    clientName = 'Trà Vinh Smart';
    ({ key } = await t.app.get(ApiClientsService).create(clientName, actor));
  });
  afterAll(() => t?.close());

  const ticketCount = async () => Number((await t.ds.query('SELECT count(*)::int AS n FROM tickets'))[0].n);
  const post = (body: Record<string, unknown>, format = 'json') => t.http().post(`/open311/v2/requests.${format}`).type('form').send(body);

  describe('services', () => {
    it('lists one service per active category, with metadata (the commune attribute), in JSON and XML', async () => {
      const res = await t.http().get('/open311/v2/services.json').expect(200);
      const categories: Array<{ code: string }> = await t.ds.query('SELECT code FROM categories WHERE active');
      expect(res.body.map((s: { service_code: string }) => s.service_code).sort()).toEqual(categories.map((c) => c.code).sort());
      const anSinh = res.body.find((s: { service_code: string }) => s.service_code === 'AN-SINH');
      expect(Object.keys(anSinh).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
      expect(anSinh).toMatchObject({ metadata: true, type: 'realtime' });
      expect(anSinh.service_name).toMatch(/\p{L}/u);

      const x = await t.http().get('/open311/v2/services.xml').expect(200).expect('Content-Type', /application\/xml/);
      expect(XMLValidator.validate(x.text)).toBe(true);
      const doc = xml.parse(x.text);
      expect(doc.services.service.find((s: { service_code: string }) => s.service_code === 'AN-SINH')).toMatchObject({ metadata: 'true', service_name: anSinh.service_name });
    });

    it("defines a service's required commune attribute as a list of the communes; an unknown service is a 404 in the spec's form", async () => {
      const res = await t.http().get('/open311/v2/services/AN-SINH.json').expect(200);
      expect(res.body.service_code).toBe('AN-SINH');
      expect(res.body.attributes).toHaveLength(1);
      const [attr] = res.body.attributes;
      expect(attr).toMatchObject({ variable: true, code: 'area_code', datatype: 'singlevaluelist', required: true, order: 1 });
      const communes = Number((await t.ds.query(`SELECT count(*)::int AS n FROM areas WHERE level = 'commune'`))[0].n);
      expect(attr.values).toHaveLength(communes);
      expect(attr.values.find((v: { key: string }) => v.key === '29401').name).toMatch(/^Xã Hòa Lợi, /);

      const x = await t.http().get('/open311/v2/services/AN-SINH.xml').expect(200);
      const def = xml.parse(x.text).service_definition;
      expect(def.service_code).toBe('AN-SINH');
      expect(def.attributes.attribute.code).toBe('area_code');
      expect(def.attributes.attribute.values.value.length).toBe(communes);

      const missing = await t.http().get('/open311/v2/services/KHONG-CO.json').expect(404);
      expect(missing.body).toEqual([{ code: 404, description: expect.stringContaining('service_code') }]);
      const missingXml = await t.http().get('/open311/v2/services/KHONG-CO.xml').expect(404);
      expect(xml.parse(missingXml.text).errors.error.code).toBe('404');
      await t.http().get('/open311/v2/services.csv').expect(404);
    });
  });

  describe('POST requests', () => {
    it('refuses a missing, unknown or revoked api_key with 403, creating nothing', async () => {
      const before = await ticketCount();
      const none = await post(REQUEST).expect(403);
      expect(none.body).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
      const unknown = await post({ ...REQUEST, api_key: 'o311_khong-phai-khoa-that' }).expect(403);
      expect(unknown.body[0]).toMatchObject({ code: 403, description: expect.stringContaining('api_key') });
      const actor = { id: null, username: 'quantri-o311', fullName: 'Quản trị', role: 'admin', unitCode: null } as never;
      const clients = t.app.get(ApiClientsService);
      const revoked = await clients.create('Ứng dụng cũ', actor);
      await post({ ...REQUEST, api_key: revoked.key }).expect(201);
      await clients.revoke(revoked.client.id, actor);
      const after = await post({ ...REQUEST, api_key: revoked.key }, 'xml').expect(403);
      expect(xml.parse(after.text).errors.error.code).toBe('403');
      expect(await ticketCount()).toBe(before + 1);
    });

    it('turns a form-encoded request into a citizen-app ticket routed by category and commune, named as the client’s', async () => {
      const res = await post({ ...REQUEST, api_key: key }).expect(201);
      expect(res.body).toEqual([{ service_request_id: expect.stringMatching(CODE), service_notice: expect.any(String), account_id: null }]);
      const code = res.body[0].service_request_id;
      const ticket = (await t.http().get(`/api/tickets/${code}`).set(bearer(admin)).expect(200)).body;
      const routed = await t.app.get(RoutingService).explain('AN-SINH', '29401');
      expect(routed.unit?.code).toBeTruthy();
      expect(ticket).toMatchObject({
        channel: 'app', status: 'assigned', content: REQUEST.description, address: REQUEST.address_string,
        assignedUnit: { code: routed.unit!.code },
      });
      expect(ticket.events[0].actor).toBe(`Ứng dụng ${clientName} (Open311)`);
      const [row] = await t.ds.query('SELECT reporter_name, reporter_phone, reporter_email FROM tickets WHERE code = $1', [code]);
      expect(row).toEqual({ reporter_name: 'Trần Thị Mười', reporter_phone: '+84987654321', reporter_email: 'tran.muoi@example.com' });
      const [client] = await t.ds.query(`SELECT id, last_used_at FROM api_clients WHERE name = $1`, [clientName]);
      expect(client.last_used_at).not.toBeNull();
      const sources = await t.ds.query(`SELECT s.channel, s.external_id FROM ticket_sources s JOIN tickets tk ON tk.id = s.ticket_id WHERE tk.code = $1`, [code]);
      expect(sources).toEqual([{ channel: 'app', external_id: expect.stringMatching(new RegExp(`^open311:${client.id}:`)) }]);
    });

    it('takes JSON with attribute as an object, answers XML, and an Idempotency-Key repeated gets the same id (200) and nothing new', async () => {
      const { 'attribute[area_code]': area, ...rest } = REQUEST;
      const body = { ...rest, attribute: { area_code: area }, api_key: key };
      const first = await t.http().post('/open311/v2/requests.xml').set('Idempotency-Key', 'thanh-pho-0001').send(body).expect(201);
      const doc = xml.parse(first.text);
      const id = doc.service_requests.request.service_request_id;
      expect(id).toMatch(CODE);
      const before = await ticketCount();
      const again = await t.http().post('/open311/v2/requests.json').set('Idempotency-Key', 'thanh-pho-0001').send(body).expect(200);
      expect(again.body[0].service_request_id).toBe(id);
      expect(await ticketCount()).toBe(before);
    });

    it('refuses a request missing its commune, or with an unknown service, a bad phone or no contact: 400 naming each field, nothing created', async () => {
      const before = await ticketCount();
      const { 'attribute[area_code]': _area, ...noArea } = REQUEST;
      const a = await post({ ...noArea, api_key: key }).expect(400);
      expect(a.body).toEqual([{ code: 400, description: expect.stringMatching(/^attribute\[area_code\]: là bắt buộc/) }]);
      const b = await post({ ...REQUEST, service_code: 'KHONG-CO', 'attribute[area_code]': '99999', phone: '12', api_key: key }).expect(400);
      expect(b.body.map((e: { description: string }) => e.description.split(':')[0]).sort()).toEqual(['attribute[area_code]', 'phone', 'service_code']);
      const c = await post({ ...REQUEST, phone: '', email: '', api_key: key }, 'xml').expect(400);
      expect(XMLValidator.validate(c.text)).toBe(true);
      expect(xml.parse(c.text).errors.error.map((e: { description: string }) => e.description.split(':')[0]).sort()).toEqual(['email', 'phone']);
      expect(await ticketCount()).toBe(before);
    });
  });

  describe('GET requests', () => {
    let code: string;
    beforeAll(async () => {
      code = (await post({ ...REQUEST, api_key: key }).expect(201)).body[0].service_request_id;
    });

    /** Nothing the citizen sent or is: not their name, phone (any form), e-mail, address or words. */
    const expectNoPersonalData = (raw: string) => {
      for (const s of ['Mười', 'Trần Thị', '987', '654', 'tran.muoi', 'example.com', 'Bến Có', 'Cầu khỉ', 'Số 12']) expect([s, raw.includes(s)]).toEqual([s, false]);
    };

    it('gives one request with the standard fields: open, the commune as address, the unit, the deadline; no personal data', async () => {
      const res = await t.http().get(`/open311/v2/requests/${code}.json`).expect(200);
      expect(res.body).toHaveLength(1);
      const [r] = res.body;
      const ticket = (await t.http().get(`/api/tickets/${code}`).set(bearer(admin)).expect(200)).body;
      expect(r).toMatchObject({
        service_request_id: code, status: 'open', service_code: 'AN-SINH', service_name: expect.any(String),
        agency_responsible: ticket.assignedUnit.name, address: expect.stringMatching(/^Xã Hòa Lợi, /),
        zipcode: null, lat: null, long: null, media_url: null,
      });
      expect(r.requested_datetime).toMatch(ISO);
      expect(r.updated_datetime).toMatch(ISO);
      expect(new Date(r.expected_datetime).toISOString()).toBe(ticket.dueAt);
      expect(r).not.toHaveProperty('description');
      expectNoPersonalData(res.text);

      const x = await t.http().get(`/open311/v2/requests/${code}.xml`).expect(200);
      expect(xml.parse(x.text).service_requests.request).toMatchObject({ service_request_id: code, status: 'open' });
      expectNoPersonalData(x.text);

      const unknown = await t.http().get('/open311/v2/requests/PA-2222-2222.json').expect(404);
      expect(unknown.body).toEqual([{ code: 404, description: expect.stringContaining('service_request_id') }]);
    });

    it('lists requests by ids, by service and status, of the last 90 days by default; bad dates are a 400 naming the field', async () => {
      const other = (await post({ ...REQUEST, api_key: key }).expect(201)).body[0].service_request_id;
      const byIds = await t.http().get('/open311/v2/requests.json').query({ service_request_id: `${code},${other.toLowerCase()}` }).expect(200);
      expect(byIds.body.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([code, other].sort());
      expectNoPersonalData(byIds.text);
      const open = await t.http().get('/open311/v2/requests.json').query({ service_code: 'AN-SINH', status: 'open' }).expect(200);
      expect(open.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(expect.arrayContaining([code, other]));
      const closed = await t.http().get('/open311/v2/requests.json').query({ status: 'closed' }).expect(200);
      expect(closed.body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(code);
      const old = await t.http().get('/open311/v2/requests.json').query({ end_date: '2025-01-01T00:00:00+07:00' }).expect(200);
      expect(old.body).toEqual([]);
      const bad = await t.http().get('/open311/v2/requests.xml').query({ start_date: 'hôm qua', status: 'dang-xu-ly' }).expect(400);
      expect(xml.parse(bad.text).errors.error.map((e: { description: string }) => e.description.split(':')[0]).sort()).toEqual(['start_date', 'status']);
      const feb30 = await t.http().get('/open311/v2/requests.json').query({ end_date: '2026-02-30' }).expect(400);
      expect(feb30.body).toEqual([{ code: 400, description: expect.stringMatching(/^end_date: /) }]);
    });

    it('is closed once the unit has resolved it, its status note never the unit’s own answer but the one published for the public', async () => {
      for (const action of ['accept', 'resolve'] as const) {
        await t.http().post(`/api/tickets/${code}/${action}`).set(bearer(staff))
          .send(action === 'resolve' ? { resolution: 'Đã sửa cầu cho bà Trần Thị Mười ở số 12 ấp Bến Có.' } : {}).expect(200);
      }
      const res = await t.http().get('/open311/v2/requests.json').query({ service_request_id: code, status: 'open' }).expect(200);
      expect(res.body[0]).toMatchObject({ service_request_id: code, status: 'closed', status_notes: expect.stringMatching(/\p{L}/u) });
      expectNoPersonalData(res.text);
      const closed = await t.http().get('/open311/v2/requests.json').query({ status: 'closed' }).expect(200);
      expect(closed.body.map((r: { service_request_id: string }) => r.service_request_id)).toContain(code);

      // once a coordinator publishes the answer for the public (edited, no personal details), that is the status note
      const [user] = await t.ds.query(`SELECT id, username, full_name AS "fullName", role, unit_code AS "unitCode" FROM users WHERE username = 'quantri-o311'`);
      const answer = 'Ủy ban nhân dân xã đã sửa chữa cầu khỉ, người dân đi lại bình thường.';
      await t.app.get(AnswersService).publish(user, code, { title: 'Sửa cầu khỉ ở xã Hòa Lợi', question: 'Cầu khỉ trong ấp bị gãy, học sinh không qua được.', answer });
      const published = await t.http().get(`/open311/v2/requests/${code}.json`).expect(200);
      expect(published.body[0].status_notes).toBe(answer);
      expectNoPersonalData(published.text);
    });
  });

  describe('the admin page of API clients (browser)', () => {
    let browser: Browser;
    let page: Page;
    let base: string;
    const focused = () => page.evaluate('document.activeElement && document.activeElement.id');
    /** Tabs until the element with this id has the focus (at most 40 presses). */
    async function tabTo(id: string): Promise<void> {
      for (let i = 0; i < 40 && (await focused()) !== id; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(id);
    }

    beforeAll(async () => {
      base = await listen(t);
      ({ browser, page } = await browserSession({ signIn: { base, username: 'quantri-o311' } }));
    }, 60_000);
    afterAll(() => browser?.close());

    it('creates a key with the keyboard, shows it once, revokes it after a confirmation; each step audited', async () => {
      await page.goto(`${base}/quan-tri/ung-dung`);
      expect(await checkPage(page, 'admin-api-clients')).toEqual([]);
      // a name is required: the form says so next to the field, and nothing is created
      const clients = Number((await t.ds.query('SELECT count(*)::int AS n FROM api_clients'))[0].n);
      await tabTo('nut-tao');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#name-error');
      expect(await page.getAttribute('#name', 'aria-invalid')).toBe('true');
      expect(Number((await t.ds.query('SELECT count(*)::int AS n FROM api_clients'))[0].n)).toBe(clients);
      await tabTo('name');
      await page.keyboard.type('Cổng dịch vụ công tỉnh');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('nut-tao');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#khoa-api');
      expect(await checkPage(page, 'admin-api-clients-key')).toEqual([]);
      const shown = ((await page.textContent('#khoa-api')) ?? '').trim();
      expect(shown).toMatch(/^o311_[A-Za-z0-9_-]{43}$/);
      // the key works, and it is nowhere but on that page: the database keeps its hash, the list its first characters
      const sent = await post({ ...REQUEST, api_key: shown }).expect(201);
      const [row] = await t.ds.query(`SELECT id, key_hash FROM api_clients WHERE name = 'Cổng dịch vụ công tỉnh'`);
      expect(row.key_hash).not.toContain(shown);
      await page.goto(`${base}/quan-tri/ung-dung`);
      expect(await page.content()).not.toContain(shown);
      expect(await page.textContent(`#ud-${row.id}`)).toContain('Đang hoạt động');

      await tabTo(`thu-hoi-${row.id}`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#form-thu-hoi');
      expect(await checkPage(page, 'admin-api-clients-revoke')).toEqual([]);
      // nothing is revoked until the confirmation is sent
      await post({ ...REQUEST, api_key: shown }).expect(201);
      await tabTo('nut-xac-nhan');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#thong-bao');
      expect(new URL(page.url()).pathname).toBe('/quan-tri/ung-dung');
      expect(await page.textContent(`#ud-${row.id}`)).toContain('Đã thu hồi');
      await post({ ...REQUEST, api_key: shown }).expect(403);
      expect(sent.body[0].service_request_id).toMatch(CODE);
      const audit = await t.ds.query(`SELECT action, actor_name FROM audit_entries WHERE subject_type = 'api_client' AND subject_id = $1 ORDER BY id`, [row.id]);
      expect(audit).toEqual([{ action: 'api_client.create', actor_name: 'quantri-o311' }, { action: 'api_client.revoke', actor_name: 'quantri-o311' }]);
    }, 90_000);
  });
});
