import { Category } from '../src/directory/category.entity.js';
import { DeadlineService } from '../src/calendar/deadline.service.js';
import { bearer, startTestApp, type TestApp } from './support/test-app.js';

const COLUMNS = [
  'code', 'channel', 'received_at', 'reporter_name', 'reporter_phone', 'area_code', 'category_code', 'content',
  'unit_code', 'due_at', 'resolved_at', 'status', 'resolution',
];
const HEADER = COLUMNS.join(',');

/** One CSV line with the cells in the order of columns, quoted where needed. */
function csvLine(columns: string[], cells: Record<string, string>): string {
  return columns.map((c) => {
    const v = cells[c] ?? '';
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

interface Problem { line: number; field: string; reason: string }

/** The rows of the file of an older system, one cell list per ticket. */
const GOOD_CSV = [
  HEADER,
  // open, unit given, status derived (assigned), due_at computed from Y-TE (72 h)
  'hs-2021/001,hotline,2021-07-20T08:15:00+07:00,Nguyễn Văn Bình,0912 345 678,29401,Y-TE,"Xin hỏi, ở xã Hòa Lợi tiêm vắc xin ở đâu?",SO-YTE,,,,',
  // resolved, quoted cells with commas, a newline and doubled quotes
  'HS-2021-002,walk_in,2021-07-21T09:00:00+07:00,"Trần Thị Cúc, tổ 5",+84 912 345 679,29401,AN-SINH,"Nhà tôi 5 người, chưa nhận gói hỗ trợ.',
  'Đã báo ấp nhưng chưa có.",UB-29401,2021-07-24T09:00:00+07:00,2021-07-23T15:30:00+07:00,resolved,"Đã chuyển ""gói hỗ trợ"" ngày 23/7."',
  // closed
  'HS-2021-003,web,2021-07-22T10:00:00Z,Phạm Thị Dung,84912345680,29497,Y-TE,Trạm y tế xã Đôn Xuân đóng cửa sớm.,YT-850,,2021-07-25T10:00:00+07:00,closed,Đã nhắc nhở trạm y tế.',
  // rejected
  'HS-2021-004,email,2021-07-23T11:00:00+07:00,Khách,,,KHAC,Quảng cáo bán hàng.,,,2021-07-23T12:00:00+07:00,rejected,',
  // empty code, no unit, status derived: routed like any new ticket (AN-SINH → the commune committee)
  ',zalo,2021-08-01T10:00:00+07:00,Lê Văn Em,0987654321,29497,AN-SINH,Chưa nhận tiền hỗ trợ thất nghiệp.,,,,,',
  // empty code, no rule for KHAC: waits for a coordinator; due from KHAC (240 h)
  ',facebook,2021-08-02T10:00:00+07:00,,,,KHAC,Hỏi thủ tục cấp giấy xác nhận.,,,,,',
  // open, explicitly received, no category: the default deadline (72 h)
  'HS-2021-007,app,2021-08-03T07:30:00+07:00,Võ Thị Giang,,29401,,Xin thông tin chung.,,,,received,',
].join('\r\n') + '\r\n';

describe('POST /api/tickets/import', () => {
  let t: TestApp;
  let admin: string;
  const countTickets = async () => Number((await t.ds.query('SELECT count(*)::int AS n FROM tickets'))[0].n);
  const countEvents = async () => Number((await t.ds.query('SELECT count(*)::int AS n FROM ticket_events'))[0].n);
  /** The deadline the application gives a ticket of that category received then (the one place that computes it). */
  const expectedDue = async (receivedAt: string, categoryCode: string | null) => {
    const category = categoryCode ? await t.ds.getRepository(Category).findOneByOrFail({ code: categoryCode }) : null;
    return t.app.get(DeadlineService).dueAt(new Date(receivedAt), category).toISOString();
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.userToken('admin');
  });
  afterAll(() => t.close());

  it('is for admins only: 401 without a token, 403 for every other role, nothing imported', async () => {
    const before = await countTickets();
    await t.http().post('/api/tickets/import').set('Content-Type', 'text/csv').send(GOOD_CSV).expect(401);
    for (const [role, unit] of [['operator', null], ['coordinator', null], ['leader', null], ['unit_staff', 'SO-YTE']] as const) {
      const token = await t.userToken(role, unit);
      const res = await t.http().post('/api/tickets/import').set(bearer(token)).set('Content-Type', 'text/csv').send(GOOD_CSV).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, message: expect.stringMatching(VIETNAMESE) });
    }
    expect(await countTickets()).toBe(before);
  });

  it('imports a good file sent as text/csv: every row a ticket with an "imported" event', async () => {
    const before = await countTickets();
    const eventsBefore = await countEvents();
    const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv; charset=utf-8').send(GOOD_CSV);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ imported: 7 });
    expect(await countTickets()).toBe(before + 7);
    // each row: its history (received; ended, when it has ended) and the import itself
    expect(await countEvents()).toBe(eventsBefore + 17);

    const get = async (code: string) => (await t.http().get(`/api/tickets/${encodeURIComponent(code)}`).set(bearer(admin)).expect(200)).body;

    // a code typed in lower case by the old system is stored as people look it up
    const first = await get('HS-2021/001');
    expect(first).toMatchObject({
      code: 'HS-2021/001', status: 'assigned', channel: 'hotline', reporterName: 'Nguyễn Văn Bình', reporterPhone: '+84912345678',
      area: { code: '29401', name: 'Xã Hòa Lợi' }, category: { code: 'Y-TE' }, assignedUnit: { code: 'SO-YTE', name: 'Sở Y tế' },
      content: 'Xin hỏi, ở xã Hòa Lợi tiêm vắc xin ở đâu?',
      receivedAt: '2021-07-20T01:15:00.000Z', dueAt: await expectedDue('2021-07-20T08:15:00+07:00', 'Y-TE'), resolvedAt: null, closedAt: null,
    });
    expect(first.events).toHaveLength(2);
    expect(first.events[0]).toMatchObject({ type: 'created', at: '2021-07-20T01:15:00.000Z', toStatus: 'assigned', toUnit: { code: 'SO-YTE' } });
    expect(first.events[1]).toMatchObject({ type: 'imported', toStatus: 'assigned', toUnit: { code: 'SO-YTE' }, data: { line: 2 } });
    expect((await get('hs-2021/001')).code).toBe('HS-2021/001');
    // the due-soon warning instant is set as for a ticket taken on the phone
    const deadlines = t.app.get(DeadlineService);
    const yTe = await t.ds.getRepository(Category).findOneByOrFail({ code: 'Y-TE' });
    const warnAt = async (code: string) => ((await t.ds.query('SELECT warn_at FROM tickets WHERE code = $1', [code]))[0].warn_at as Date).toISOString();
    expect(await warnAt('HS-2021/001')).toBe(deadlines.deadline(new Date('2021-07-20T08:15:00+07:00'), yTe).warnAt.toISOString());

    const second = await get('HS-2021-002');
    expect(second).toMatchObject({
      status: 'resolved', channel: 'walk_in', reporterName: 'Trần Thị Cúc, tổ 5', reporterPhone: '+84912345679',
      // line breaks are stored as \n whatever the file used
      content: 'Nhà tôi 5 người, chưa nhận gói hỗ trợ.\nĐã báo ấp nhưng chưa có.',
      assignedUnit: { code: 'UB-29401', name: 'UBND xã Hòa Lợi' },
      dueAt: '2021-07-24T02:00:00.000Z', resolvedAt: '2021-07-23T08:30:00.000Z', closedAt: null,
      resolution: 'Đã chuyển "gói hỗ trợ" ngày 23/7.',
    });
    expect(second.events.map((e: { type: string }) => e.type)).toEqual(['created', 'resolved', 'imported']);
    expect(second.events[1]).toMatchObject({ at: '2021-07-23T08:30:00.000Z', fromStatus: null, toStatus: 'resolved' });
    expect(second.events[2].data).toEqual({ line: 3 });
    const anSinh = await t.ds.getRepository(Category).findOneByOrFail({ code: 'AN-SINH' });
    expect(await warnAt('HS-2021-002')).toBe(
      deadlines.warnAt(new Date('2021-07-21T09:00:00+07:00'), new Date('2021-07-24T09:00:00+07:00'), anSinh.deadlineMode).toISOString());

    expect(await get('HS-2021-003')).toMatchObject({
      status: 'closed', channel: 'web', reporterPhone: '+84912345680', assignedUnit: { code: 'YT-850' },
      receivedAt: '2021-07-22T10:00:00.000Z', dueAt: await expectedDue('2021-07-22T10:00:00Z', 'Y-TE'),
      resolvedAt: '2021-07-25T03:00:00.000Z', closedAt: '2021-07-25T03:00:00.000Z', resolution: 'Đã nhắc nhở trạm y tế.',
    });
    expect(await get('HS-2021-004')).toMatchObject({
      status: 'rejected', channel: 'email', reporterPhone: null, area: null, assignedUnit: null,
      rejectedAt: '2021-07-23T05:00:00.000Z', resolvedAt: null, closedAt: null, overdue: false,
      dueAt: await expectedDue('2021-07-23T11:00:00+07:00', 'KHAC'),
    });
    const seventh = await get('HS-2021-007');
    expect(seventh).toMatchObject({ status: 'received', assignedUnit: null, category: null, dueAt: await expectedDue('2021-08-03T07:30:00+07:00', null), overdue: true });

    // the two rows without a code got generated tracking codes
    const generated: Array<{ code: string; channel: string; status: string; assigned_unit_code: string | null; due_at: Date; reporter_name: string }> =
      await t.ds.query(`SELECT code, channel, status, assigned_unit_code, due_at, reporter_name FROM tickets WHERE channel IN ('zalo', 'facebook') ORDER BY received_at`);
    expect(generated).toHaveLength(2);
    for (const g of generated) expect(g.code).toMatch(/^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(generated[0]).toMatchObject({ channel: 'zalo', status: 'assigned', assigned_unit_code: 'UB-29497' });
    expect(generated[0].due_at.toISOString()).toBe(await expectedDue('2021-08-01T10:00:00+07:00', 'AN-SINH'));
    expect(generated[1]).toMatchObject({ channel: 'facebook', status: 'received', assigned_unit_code: null, reporter_name: 'Không rõ' });
    expect(generated[1].due_at.toISOString()).toBe(await expectedDue('2021-08-02T10:00:00+07:00', 'KHAC'));
    // the category matters: KHAC allows a different time than a ticket without a category
    expect(await expectedDue('2021-08-02T10:00:00+07:00', 'KHAC')).not.toBe(await expectedDue('2021-08-02T10:00:00+07:00', null));
    const zalo = await get(generated[0].code);
    expect(zalo.events).toEqual([
      expect.objectContaining({ type: 'created', toStatus: 'assigned', toUnit: expect.objectContaining({ code: 'UB-29497' }) }),
      expect.objectContaining({ type: 'imported', toStatus: 'assigned', toUnit: expect.objectContaining({ code: 'UB-29497' }), data: { line: 7 } }),
    ]);

    // imported tickets are found like any other: by text without diacritics and by the generated code
    const found = await t.http().get('/api/tickets').query({ q: 'tram y te xa don xuan' }).set(bearer(admin)).expect(200);
    expect(found.body.items.map((i: { code: string }) => i.code)).toEqual(['HS-2021-003']);
    const inArea = await t.http().get('/api/tickets').query({ q: 'don xuan' }).set(bearer(admin)).expect(200);
    expect(inArea.body.items.map((i: { code: string }) => i.code).sort()).toEqual([generated[0].code, 'HS-2021-003'].sort());
    const byCode = await t.http().get('/api/tickets').query({ q: generated[1].code.toLowerCase() }).set(bearer(admin)).expect(200);
    expect(byCode.body.items.map((i: { code: string }) => i.code)).toEqual([generated[1].code]);
  });

  it('imports the multipart field "file" the same way, urgent categories marking the ticket urgent', async () => {
    const before = await countTickets();
    const csv = [
      HEADER,
      'MP-1,hotline,2022-01-12T16:00:00+07:00,Đặng Văn Hải,0912 000 111,29401,XET-NGHIEM,"Cần xét nghiệm gấp, cả nhà có triệu chứng.",,,,,',
      'MP-2,hotline,2022-01-12T17:00:00+07:00,Đặng Văn Hải,,29401,AN-SINH,Hỏi lại về gói hỗ trợ.,,,,,',
    ].join('\n');
    const res = await t.http().post('/api/tickets/import').set(bearer(admin))
      .attach('file', Buffer.from('\uFEFF' + csv, 'utf8'), { filename: 'tickets.csv', contentType: 'text/csv' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ imported: 2 });
    expect(await countTickets()).toBe(before + 2);
    const one = (await t.http().get('/api/tickets/MP-1').set(bearer(admin)).expect(200)).body;
    expect(one).toMatchObject({
      status: 'assigned', urgent: true, assignedUnit: { code: 'SO-YTE' }, dueAt: await expectedDue('2022-01-12T16:00:00+07:00', 'XET-NGHIEM'),
      content: 'Cần xét nghiệm gấp, cả nhà có triệu chứng.', events: [expect.objectContaining({ type: 'created' }), expect.objectContaining({ type: 'imported', data: { line: 2 } })],
    });
    expect((await t.http().get('/api/tickets/MP-2').set(bearer(admin)).expect(200)).body).toMatchObject({ urgent: false, assignedUnit: { code: 'UB-29401' } });
  });

  it('refuses a bad file whole: 422 listing every bad line, field and reason; nothing imported', async () => {
    const before = await countTickets();
    const eventsBefore = await countEvents();
    // the header lacks due_at and has a column the importer does not know
    const columns = [...COLUMNS.filter((c) => c !== 'due_at'), 'ghi_chu'];
    const base = { channel: 'hotline', received_at: '2021-07-20T08:15:00+07:00', reporter_name: 'A', area_code: '29401', category_code: 'KHAC', content: 'Nội dung' };
    const row = (cells: Record<string, string>) => csvLine(columns, { ...base, ...cells });
    const lines = [
      columns.join(','), // 1
      row({ code: 'OK-1', category_code: 'Y-TE', content: 'Dòng hợp lệ,\ntrải trên hai dòng.' }), // 2-3
      row({ code: 'BAD-CHANNEL', channel: 'fax' }), // 4
      row({ code: 'BAD-TIME', received_at: '2021-07-20T08:15:00' }), // 5
      row({ code: 'BAD-AREA', area_code: '99999' }), // 6
      row({ code: 'BAD-CAT', category_code: 'KHONG-CO' }), // 7
      row({ code: 'BAD-UNIT', unit_code: 'KHONG-CO' }), // 8
      row({ code: 'BAD-PHONE', reporter_phone: '12345' }), // 9
      row({ code: 'DUP-1', content: 'Lần đầu' }), // 10
      row({ code: 'dup-1', content: 'Lần hai' }), // 11
      row({ code: 'HS-2021-002', content: 'Mã đã có trong hệ thống' }), // 12
      row({ code: 'RESOLVED-NO-TIME', unit_code: 'UB-29401', status: 'resolved', resolution: 'Đã xong' }), // 13
      row({ code: 'OPEN-WITH-TIME', unit_code: 'UB-29401', status: 'assigned', resolved_at: '2021-07-21T08:15:00+07:00' }), // 14
      row({ code: 'RESOLVED-BEFORE', unit_code: 'UB-29401', status: 'resolved', resolved_at: '2021-07-19T08:15:00+07:00', resolution: 'Đã xong' }), // 15
      row({ code: 'BAD-STATUS', status: 'done' }), // 16
      row({ code: 'CLOSED-NO-RESOLUTION', unit_code: 'UB-29401', status: 'closed', resolved_at: '2021-07-21T08:15:00+07:00' }), // 17
      row({ code: 'BAD-DATE', received_at: '2021-02-30T08:15:00+07:00' }), // 18
      row({ code: 'FUTURE', received_at: '2030-01-01T08:15:00+07:00' }), // 19
      row({ code: 'NO-CONTENT', content: '' }), // 20
      'SHORT,hotline,2021-07-20T08:15:00+07:00,A', // 21
      '', // 22
      row({ code: 'LAST-OK', ghi_chu: 'ghi chú' }), // 23
    ];
    const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(lines.join('\n'));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, code: 'IMPORT_INVALID', message: expect.stringMatching(VIETNAMESE) });
    const errors = res.body.errors as Problem[];
    for (const e of errors) expect(e.reason).toMatch(VIETNAMESE);
    const pairs = errors.map((e) => `${e.line}:${e.field}`).sort();
    expect(pairs).toEqual([
      '1:due_at', '1:ghi_chu',
      '4:channel', '5:received_at', '6:area_code', '7:category_code', '8:unit_code', '9:reporter_phone',
      '11:code', '12:code', '13:resolved_at', '14:resolved_at', '15:resolved_at', '16:status', '17:resolution',
      '18:received_at', '19:received_at', '20:content', '21:row',
    ].sort());
    const reasonOf = (line: number, field: string) => errors.find((e) => e.line === line && e.field === field)!.reason;
    expect(reasonOf(1, 'due_at')).toBe('thiếu cột');
    expect(reasonOf(1, 'ghi_chu')).toBe('cột không được hỗ trợ');
    expect(reasonOf(4, 'channel')).toContain('hotline');
    expect(reasonOf(5, 'received_at')).toContain('múi giờ');
    expect(reasonOf(6, 'area_code')).toContain('99999');
    expect(reasonOf(11, 'code')).toContain('dòng 10');
    expect(reasonOf(12, 'code')).toContain('đã có trong hệ thống');
    expect(reasonOf(13, 'resolved_at')).toContain('bắt buộc');
    expect(reasonOf(14, 'resolved_at')).toContain('để trống');
    expect(reasonOf(15, 'resolved_at')).toContain('trước thời điểm tiếp nhận');
    expect(reasonOf(19, 'received_at')).toContain('sau thời điểm hiện tại');
    expect(reasonOf(21, 'row')).toMatch(/4 ô.*13 cột/);

    expect(await countTickets()).toBe(before);
    expect(await countEvents()).toBe(eventsBefore);
    for (const code of ['OK-1', 'DUP-1', 'LAST-OK']) await t.http().get(`/api/tickets/${code}`).set(bearer(admin)).expect(404);
  });

  it('refuses a file whose only problem is the header, and an empty or unreadable file', async () => {
    const before = await countTickets();
    const noResolution = HEADER.replace(',resolution', '');
    const res = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv')
      .send(`${noResolution}\nH-1,hotline,2021-07-20T08:15:00+07:00,A,,29401,KHAC,Nội dung,,,,\n`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 1, field: 'resolution', reason: 'thiếu cột' }]);

    const quotedHeader = HEADER.split(',').map((h) => `"${h}"`).join(',');
    const ok = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv')
      .send(`${quotedHeader}\nQ-1,hotline,2021-07-20T08:15:00+07:00,A,,29401,KHAC,"Tiêu đề có ngoặc kép",,,,,\n`);
    expect(ok.status).toBe(201);
    expect(await countTickets()).toBe(before + 1);

    const unclosed = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv')
      .send(`${HEADER}\nU-1,hotline,2021-07-20T08:15:00+07:00,A,,29401,KHAC,"không đóng ngoặc,,,,,\n`);
    expect(unclosed.status).toBe(422);
    expect(unclosed.body.errors).toEqual([expect.objectContaining({ field: 'file', reason: expect.stringMatching(VIETNAMESE) })]);

    const json = await t.http().post('/api/tickets/import').set(bearer(admin)).send({ csv: GOOD_CSV });
    expect(json.status).toBe(400);
    expect(json.body.errors).toEqual([{ field: 'file', reason: expect.stringContaining('text/csv') }]);
    const wrongField = await t.http().post('/api/tickets/import').set(bearer(admin)).attach('tep', Buffer.from(GOOD_CSV), 'tickets.csv');
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.message).toMatch(VIETNAMESE);

    const empty = await t.http().post('/api/tickets/import').set(bearer(admin)).set('Content-Type', 'text/csv').send('');
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ statusCode: 400, errors: [{ field: 'file', reason: expect.stringMatching(VIETNAMESE) }] });
    expect(await countTickets()).toBe(before + 1);
  });
});
