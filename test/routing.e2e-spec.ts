import { bearer, startTestAppWith, type TestApp } from './support/test-app.js';

/**
 * Routing (issue 2, §3) and the routing-rule admin API (§6): the rule with the most specific area wins (commune,
 * then district, then the whole province); a rule may name "the People's Committee of the ticket's commune"; a
 * ticket no rule matches, or without category or area, waits for a coordinator. Each test makes its own category,
 * so the rules it creates touch no other test.
 */

interface Problem { field: string; reason: string }
interface Rule { id: string; categoryCode: string; areaCode: string | null; unitCode: string | null; toCommuneCommittee: boolean }
interface TicketBody {
  code: string; status: string; assignedUnit: { code: string; name: string } | null; category: { code: string } | null; area: { code: string } | null;
  events: Array<{ type: string; toUnit: { code: string } | null; toStatus: string | null; note: string | null; data: Record<string, unknown> }>;
}

const NON_ASCII = /[^\x00-\x7F]/;
let seq = 0;

describe('routing end to end', () => {
  let t: TestApp;
  let admin: string, op: string, coord: string;

  beforeAll(async () => {
    ({ t, tokens: [admin, op, coord] } = await startTestAppWith(['admin', 'operator', 'coordinator']));
  });
  afterAll(() => t.close());

  const post = (url: string, body: object, token = admin) => t.http().post(url).set(bearer(token)).send(body);
  const fields = (body: { errors?: Problem[] }) => [...new Set((body.errors ?? []).map((e) => e.field))].sort();

  async function newCategory(over: Record<string, unknown> = {}): Promise<string> {
    const code = `T-RT-${++seq}`;
    await post('/api/categories', { code, name: `Lĩnh vực thử phân công ${seq}`, deadlineHours: 72, ...over }).expect(201);
    return code;
  }

  async function rule(categoryCode: string, areaCode: string | null, target: { unitCode: string } | { toCommuneCommittee: true }): Promise<Rule> {
    const res = await post('/api/routing-rules', { categoryCode, areaCode, ...target });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function ticket(body: Record<string, unknown>): Promise<TicketBody> {
    const res = await post('/api/tickets', { channel: 'hotline', reporterName: 'Nguyễn Văn Phúc', reporterPhone: '0987654321', content: 'Phản ánh để thử phân công tự động.', ...body }, op);
    expect(res.status).toBe(201);
    return res.body;
  }

  const unitOf = (tk: { status: string; assignedUnit: { code: string } | null }) => [tk.status, tk.assignedUnit?.code ?? null];
  const full = async (code: string): Promise<TicketBody> => (await t.http().get(`/api/tickets/${code}`).set(bearer(coord)).expect(200)).body;

  describe('precedence', () => {
    it('commune rule, then district rule, then the province rule', async () => {
      const cat = await newCategory();
      const province = await rule(cat, null, { unitCode: 'SO-LDTBXH' });
      const district = await rule(cat, '847', { unitCode: 'VP-847' });
      const commune = await rule(cat, '29401', { unitCode: 'YT-847' });

      const inCommune = await ticket({ categoryCode: cat, areaCode: '29401' });
      expect(unitOf(inCommune)).toEqual(['assigned', 'YT-847']);
      const inDistrict = await ticket({ categoryCode: cat, areaCode: '29404' });
      expect(unitOf(inDistrict)).toEqual(['assigned', 'VP-847']);
      const districtOnly = await ticket({ categoryCode: cat, areaCode: '847' });
      expect(unitOf(districtOnly)).toEqual(['assigned', 'VP-847']);
      const elsewhere = await ticket({ categoryCode: cat, areaCode: '29239' });
      expect(unitOf(elsewhere)).toEqual(['assigned', 'SO-LDTBXH']);
      const otherDistrict = await ticket({ categoryCode: cat, areaCode: '848' });
      expect(unitOf(otherDistrict)).toEqual(['assigned', 'SO-LDTBXH']);
      const noArea = await ticket({ categoryCode: cat });
      expect(unitOf(noArea)).toEqual(['assigned', 'SO-LDTBXH']);

      // the creation event records the decision and the rule that made it
      for (const [tk, r] of [[inCommune, commune], [inDistrict, district], [elsewhere, province]] as const) {
        const created = (await full(tk.code)).events[0];
        expect(created).toMatchObject({ type: 'created', toStatus: 'assigned', toUnit: { code: r.unitCode }, data: { routingRuleId: r.id } });
        expect(created.note).toMatch(NON_ASCII);
      }

      // rules of another category never apply
      const other = await newCategory();
      expect(unitOf(await ticket({ categoryCode: other, areaCode: '29401' }))).toEqual(['received', null]);

      // without the commune rule the district one wins; without that, the province one
      await t.http().delete(`/api/routing-rules/${commune.id}`).set(bearer(admin)).expect(204);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29401' }))).toEqual(['assigned', 'VP-847']);
      await t.http().delete(`/api/routing-rules/${district.id}`).set(bearer(admin)).expect(204);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29401' }))).toEqual(['assigned', 'SO-LDTBXH']);
      // tickets already routed keep their unit
      expect((await full(inCommune.code)).assignedUnit?.code).toBe('YT-847');
    });

    it('a more specific rule wins whichever order the rules were made in', async () => {
      const cat = await newCategory();
      await rule(cat, '29401', { unitCode: 'YT-847' });
      await rule(cat, '847', { unitCode: 'VP-847' });
      await rule(cat, null, { unitCode: 'SO-LDTBXH' });
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29401' }))).toEqual(['assigned', 'YT-847']);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29413' }))).toEqual(['assigned', 'VP-847']);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29461' }))).toEqual(['assigned', 'SO-LDTBXH']);
    });

    it('a district rule alone covers only its district; elsewhere the ticket waits', async () => {
      const cat = await newCategory();
      await rule(cat, '848', { unitCode: 'YT-848' });
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29416' }))).toEqual(['assigned', 'YT-848']);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29401' }))).toEqual(['received', null]);
      expect(unitOf(await ticket({ categoryCode: cat }))).toEqual(['received', null]);
    });
  });

  describe("the commune's People's Committee", () => {
    it("sends the ticket to the committee of the ticket's commune, ward or town", async () => {
      const cat = await newCategory();
      await rule(cat, null, { toCommuneCommittee: true });
      const cases: Array<[string, string, string]> = [
        ['29401', 'UB-29401', 'UBND xã Hòa Lợi'],
        ['29242', 'UB-29242', 'UBND Phường 3'],
        ['29374', 'UB-29374', 'UBND Thị trấn Châu Thành'],
        ['29239', 'UB-29239', 'UBND Phường 1 (thành phố Trà Vinh)'],
        ['29512', 'UB-29512', 'UBND Phường 1 (thị xã Duyên Hải)'],
      ];
      for (const [areaCode, unitCode, name] of cases) {
        const tk = await ticket({ categoryCode: cat, areaCode });
        expect(tk).toMatchObject({ status: 'assigned', area: { code: areaCode }, assignedUnit: { code: unitCode, name } });
      }
    });

    it('a commune-committee rule for one district overrides a province rule naming a unit, and vice versa at commune level', async () => {
      const cat = await newCategory();
      await rule(cat, null, { unitCode: 'CA-TINH' });
      await rule(cat, '849', { toCommuneCommittee: true });
      await rule(cat, '29464', { unitCode: 'VP-849' });
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29467' }))).toEqual(['assigned', 'UB-29467']);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29464' }))).toEqual(['assigned', 'VP-849']);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29401' }))).toEqual(['assigned', 'CA-TINH']);
      // a district-only area has no commune committee: it waits
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '849' }))).toEqual(['received', null]);
    });

    it('follows a merged commune committee to its successor and skips a deactivated one', async () => {
      const cat = await newCategory();
      await rule(cat, null, { toCommuneCommittee: true });
      await post('/api/units/UB-29497/merge', { intoCode: 'UB-29500' }).expect(201);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29497' }))).toEqual(['assigned', 'UB-29500']);
      await t.http().patch('/api/units/UB-29530').set(bearer(admin)).send({ active: false }).expect(200);
      const waiting = await ticket({ categoryCode: cat, areaCode: '29530' });
      expect(unitOf(waiting)).toEqual(['received', null]);
      expect((await full(waiting.code)).events[0].note).toMatch(NON_ASCII);
    });
  });

  describe('tickets that wait for a coordinator', () => {
    it('no category, no area with only a commune-committee rule, or no matching rule: received, no unit', async () => {
      const committeeOnly = await newCategory();
      await rule(committeeOnly, null, { toCommuneCommittee: true });
      const noRule = await newCategory();

      const noCategory = await ticket({ areaCode: '29401' });
      const noArea = await ticket({ categoryCode: committeeOnly });
      const unmatched = await ticket({ categoryCode: noRule, areaCode: '29401' });
      const seededWithoutRule = await ticket({ categoryCode: 'KHAC', areaCode: '29401' });
      for (const tk of [noCategory, noArea, unmatched, seededWithoutRule]) {
        expect(unitOf(tk)).toEqual(['received', null]);
        const created = (await full(tk.code)).events[0];
        expect(created).toMatchObject({ type: 'created', toStatus: 'received', toUnit: null });
        expect(created.note).toMatch(NON_ASCII);
      }
      const queue = await t.http().get('/api/tickets').query({ status: 'received', pageSize: '100' }).set(bearer(coord)).expect(200);
      expect(queue.body.items.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining([noCategory.code, noArea.code, unmatched.code, seededWithoutRule.code]));
      // a unit sees none of them
      const staff = await t.userToken('unit_staff', 'UB-29401');
      const mine = await t.http().get('/api/tickets').set(bearer(staff)).expect(200);
      expect(mine.body.items.map((i: { code: string }) => i.code)).not.toEqual(expect.arrayContaining([noCategory.code]));
    });

    it('POST assign without unitCode routes by the rules, with the category or area the coordinator adds', async () => {
      const cat = await newCategory();
      await rule(cat, null, { toCommuneCommittee: true });
      await rule(cat, '29407', { unitCode: 'YT-847' });

      // the coordinator adds the missing area
      const noArea = await ticket({ categoryCode: cat });
      expect(unitOf(noArea)).toEqual(['received', null]);
      const assigned = await post(`/api/tickets/${noArea.code}/assign`, { areaCode: '29401' }, coord).expect(200);
      expect(assigned.body).toMatchObject({ status: 'assigned', area: { code: '29401' }, assignedUnit: { code: 'UB-29401', name: 'UBND xã Hòa Lợi' } });
      expect(assigned.body.events.at(-1)).toMatchObject({ type: 'assigned', toUnit: { code: 'UB-29401' } });

      // the coordinator adds the missing category
      const noCategory = await ticket({ areaCode: '29407' });
      const byCategory = await post(`/api/tickets/${noCategory.code}/assign`, { categoryCode: cat }, coord).expect(200);
      expect(byCategory.body).toMatchObject({ status: 'assigned', category: { code: cat }, assignedUnit: { code: 'YT-847' } });

      // a rule added later routes a waiting ticket
      const later = await newCategory();
      const waiting = await ticket({ categoryCode: later, areaCode: '29242' });
      const refused = await post(`/api/tickets/${waiting.code}/assign`, {}, coord).expect(422);
      expect(refused.body).toMatchObject({ code: 'NO_UNIT' });
      expect(refused.body.message).toMatch(NON_ASCII);
      expect(unitOf(await full(waiting.code))).toEqual(['received', null]);
      expect((await full(waiting.code)).events.map((e) => e.type)).toEqual(['created']);
      await rule(later, '842', { unitCode: 'VP-842' });
      const routed = await post(`/api/tickets/${waiting.code}/assign`, {}, coord).expect(200);
      expect(unitOf(routed.body)).toEqual(['assigned', 'VP-842']);

      // an explicit unit overrides the rules
      const manual = await ticket({ categoryCode: cat, areaCode: '29401' });
      const transferred = await post(`/api/tickets/${manual.code}/assign`, { unitCode: 'SO-YTE' }, coord).expect(200);
      expect(unitOf(transferred.body)).toEqual(['assigned', 'SO-YTE']);
    });
  });

  describe('routing-rule admin API', () => {
    it('creates, lists and deletes rules', async () => {
      const cat = await newCategory();
      const a = await rule(cat, null, { unitCode: 'SO-TTTT' });
      expect(a).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), categoryCode: cat, areaCode: null, unitCode: 'SO-TTTT', toCommuneCommittee: false });
      const b = await rule(cat, '29401', { toCommuneCommittee: true });
      expect(b).toEqual({ id: expect.any(String), categoryCode: cat, areaCode: '29401', unitCode: null, toCommuneCommittee: true });

      for (const token of [admin, coord]) {
        const list = await t.http().get('/api/routing-rules').set(bearer(token)).expect(200);
        expect(list.body.filter((r: Rule) => r.categoryCode === cat)).toEqual(expect.arrayContaining([a, b]));
        expect(list.body.filter((r: Rule) => r.categoryCode === cat)).toHaveLength(2);
      }
      // the seeded rules are there too
      const all = (await t.http().get('/api/routing-rules').set(bearer(admin)).expect(200)).body as Rule[];
      expect(all).toContainEqual(expect.objectContaining({ categoryCode: 'Y-TE', areaCode: null, unitCode: 'SO-YTE', toCommuneCommittee: false }));
      expect(all).toContainEqual(expect.objectContaining({ categoryCode: 'AN-SINH', areaCode: null, unitCode: null, toCommuneCommittee: true }));

      await t.http().delete(`/api/routing-rules/${a.id}`).set(bearer(admin)).expect(204);
      const after = (await t.http().get('/api/routing-rules').set(bearer(admin)).expect(200)).body as Rule[];
      expect(after.filter((r) => r.categoryCode === cat)).toEqual([b]);
      const again = await t.http().delete(`/api/routing-rules/${a.id}`).set(bearer(admin)).expect(404);
      expect(again.body.message).toMatch(NON_ASCII);
      await t.http().delete('/api/routing-rules/khong-phai-uuid').set(bearer(admin)).expect(404);
      // both the rule's creation and its removal are in the audit log, with the rule as it was
      const entries = await t.ds.query(`SELECT action, before, after FROM audit_entries WHERE subject_type = 'routing_rule' AND subject_id = $1 ORDER BY id`, [a.id]);
      expect(entries).toEqual([{ action: 'routing_rule.create', before: null, after: a }, { action: 'routing_rule.delete', before: a, after: null }]);
      // a deleted rule can be made again
      await rule(cat, null, { unitCode: 'SO-CT' });
    });

    it('refuses a second rule for the same category and area with 409', async () => {
      const cat = await newCategory();
      const first = await rule(cat, null, { unitCode: 'SO-YTE' });
      const dupProvince = await post('/api/routing-rules', { categoryCode: cat, unitCode: 'CA-TINH' }).expect(409);
      expect(dupProvince.body).toMatchObject({ code: 'RULE_EXISTS', existingId: first.id });
      expect(dupProvince.body.message).toMatch(NON_ASCII);
      const second = await rule(cat, '29401', { unitCode: 'SO-YTE' });
      const dupCommune = await post('/api/routing-rules', { categoryCode: cat, areaCode: '29401', toCommuneCommittee: true }).expect(409);
      expect(dupCommune.body).toMatchObject({ code: 'RULE_EXISTS', existingId: second.id });
      // the same area with another category is fine
      const other = await newCategory();
      await rule(other, '29401', { toCommuneCommittee: true });
      const mine = ((await t.http().get('/api/routing-rules').set(bearer(admin)).expect(200)).body as Rule[]).filter((r) => r.categoryCode === cat);
      expect(mine.map((r) => r.unitCode)).toEqual(['SO-YTE', 'SO-YTE']);
    });

    it("takes the province's own code for the whole province, so it cannot make a second province rule", async () => {
      const cat = await newCategory();
      const first = await rule(cat, '84', { unitCode: 'SO-YTE' });
      expect(first).toMatchObject({ areaCode: null, unitCode: 'SO-YTE' });
      const dup = await post('/api/routing-rules', { categoryCode: cat, areaCode: null, unitCode: 'CA-TINH' }).expect(409);
      expect(dup.body).toMatchObject({ code: 'RULE_EXISTS', existingId: first.id });
      await post('/api/routing-rules', { categoryCode: cat, areaCode: '84', toCommuneCommittee: true }).expect(409);
      expect(unitOf(await ticket({ categoryCode: cat, areaCode: '29401' }))).toEqual(['assigned', 'SO-YTE']);
    });

    it('of several identical rules sent at once, exactly one is made and the others answer 409', async () => {
      const cat = await newCategory();
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) =>
        post('/api/routing-rules', { categoryCode: cat, areaCode: '29401', unitCode: i % 2 ? 'SO-YTE' : 'YT-847' })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
      const made = results.find((r) => r.status === 201)!.body as Rule;
      for (const r of results.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ code: 'RULE_EXISTS', existingId: made.id });
      const mine = ((await t.http().get('/api/routing-rules').set(bearer(admin)).expect(200)).body as Rule[]).filter((r) => r.categoryCode === cat);
      expect(mine).toEqual([made]);
    });

    it('answers 400 naming each bad field in Vietnamese, and refuses unknown fields', async () => {
      const cat = await newCategory();
      const expect400 = async (body: object, expected: string[]) => {
        const res = await post('/api/routing-rules', body).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(fields(res.body)).toEqual([...expected].sort());
        for (const e of res.body.errors as Problem[]) expect(e.reason).toMatch(NON_ASCII);
        return res.body;
      };
      await expect400({}, ['categoryCode', 'unitCode']);
      await expect400({ categoryCode: 5, areaCode: 847, unitCode: true, toCommuneCommittee: 'yes', priority: 1 }, ['categoryCode', 'areaCode', 'unitCode', 'toCommuneCommittee', 'priority']);
      await expect400({ categoryCode: cat, unitCode: 'SO-YTE', toCommuneCommittee: true }, ['unitCode']);
      await expect400({ categoryCode: cat, toCommuneCommittee: false }, ['unitCode']);
      await expect400({ categoryCode: 'KHONG-CO', areaCode: '99999', unitCode: 'KHONG-CO' }, ['categoryCode', 'areaCode', 'unitCode']);
      await expect400({ categoryCode: cat, areaCode: '', unitCode: 'SO-YTE' }, ['areaCode']);
      await expect400({ categoryCode: cat, unitCode: '' }, ['unitCode']);
      // an inactive unit cannot be a target
      const off = `T-OFF-${++seq}`;
      await post('/api/units', { code: off, name: 'Đơn vị ngừng hoạt động', level: 'province', active: false }).expect(201);
      await expect400({ categoryCode: cat, unitCode: off }, ['unitCode']);
      // nothing was written
      const mine = ((await t.http().get('/api/routing-rules').set(bearer(admin)).expect(200)).body as Rule[]).filter((r) => r.categoryCode === cat);
      expect(mine).toEqual([]);
    });

    it('is for admins: 403 for other roles (reading also for coordinators), 401 without a token', async () => {
      const cat = await newCategory();
      const existing = await rule(cat, null, { unitCode: 'SO-YTE' });
      const others = {
        coordinator: coord,
        operator: op,
        unit_staff: await t.userToken('unit_staff', 'SO-YTE'),
        leader: await t.userToken('leader'),
      };
      for (const [role, token] of Object.entries(others)) {
        const created = await post('/api/routing-rules', { categoryCode: cat, areaCode: '29401', unitCode: 'SO-YTE' }, token);
        expect([role, created.status]).toEqual([role, 403]);
        expect(created.body.message).toMatch(NON_ASCII);
        const deleted = await t.http().delete(`/api/routing-rules/${existing.id}`).set(bearer(token));
        expect([role, deleted.status]).toEqual([role, 403]);
        const listed = await t.http().get('/api/routing-rules').set(bearer(token));
        expect([role, listed.status]).toEqual([role, role === 'coordinator' ? 200 : 403]);
      }
      await t.http().get('/api/routing-rules').expect(401);
      await t.http().post('/api/routing-rules').send({ categoryCode: cat, areaCode: '29401', unitCode: 'SO-YTE' }).expect(401);
      await t.http().delete(`/api/routing-rules/${existing.id}`).expect(401);
      const mine = ((await t.http().get('/api/routing-rules').set(bearer(admin)).expect(200)).body as Rule[]).filter((r) => r.categoryCode === cat);
      expect(mine).toEqual([existing]);
    });
  });
});
