import { parseZaloWebhook } from './zalo-event.js';
import { WebhookShapeError } from './webhook-shape.error.js';
import { signZaloBody, verifyZaloSignature } from './zalo-signature.js';

const T = 1760000000000;
const event = (event_name: string, message?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  app_id: '4291763606161179100',
  user_id_by_app: '552177279717587730',
  event_name,
  timestamp: String(T),
  sender: { id: '2512523625412515' },
  recipient: { id: '579745863508352884' },
  ...(message ? { message } : {}),
  ...extra,
});

describe('parseZaloWebhook', () => {
  it('maps user_send_text', () => {
    expect(parseZaloWebhook(event('user_send_text', { msg_id: 'z1', text: '  Rác thải tồn đọng ở chợ Cái Sơn  ' }))).toEqual({
      channel: 'zalo',
      externalId: 'z1',
      senderId: '2512523625412515',
      recipientId: '579745863508352884',
      reporterName: null,
      content: 'Rác thải tồn đọng ở chợ Cái Sơn',
      attachments: [],
      receivedAt: new Date(T),
    });
  });

  it('maps user_send_image, with or without a caption', () => {
    const images = [{ type: 'image', payload: { thumbnail: 'https://zalo.example/t.jpg', url: 'https://zalo.example/a.jpg' } }];
    expect(parseZaloWebhook(event('user_send_image', { msg_id: 'z2', attachments: images }))).toMatchObject({
      externalId: 'z2',
      content: '[Hình ảnh]',
      attachments: [{ type: 'image', url: 'https://zalo.example/a.jpg' }],
    });
    expect(parseZaloWebhook(event('user_send_image', { msg_id: 'z3', text: 'Ổ gà trên đường', attachments: images }))?.content).toBe('Ổ gà trên đường');
  });

  it('maps user_send_location, with {lat, long} or {latitude, longitude} coordinates', () => {
    const loc = (coordinates: unknown) => event('user_send_location', { msg_id: 'z4', attachments: [{ type: 'location', payload: { coordinates } }] });
    expect(parseZaloWebhook(loc({ lat: 9.93, long: 106.34 }))).toMatchObject({
      content: '[Vị trí: 9.93, 106.34]',
      attachments: [{ type: 'location', lat: 9.93, long: 106.34 }],
    });
    expect(parseZaloWebhook(loc({ latitude: '9.93', longitude: '106.34' }))?.attachments).toEqual([{ type: 'location', lat: 9.93, long: 106.34 }]);
    expect(parseZaloWebhook(loc(null))).toMatchObject({ content: '[Vị trí]', attachments: [{ type: 'location' }] });
  });

  it('maps files and stickers, and describes an event whose attachments are missing', () => {
    const file = parseZaloWebhook(event('user_send_file', { msg_id: 'z5', attachments: [{ type: 'file', payload: { url: 'https://zalo.example/f', name: 'don.pdf', size: '1024' } }] }));
    expect(file).toMatchObject({ content: '[Tệp đính kèm: don.pdf]', attachments: [{ type: 'file', url: 'https://zalo.example/f', name: 'don.pdf' }] });
    const sticker = parseZaloWebhook(event('user_send_sticker', { msg_id: 'z6', attachments: [{ type: 'sticker', payload: { id: 'abc', url: 'https://zalo.example/s' } }] }));
    expect(sticker).toMatchObject({ content: '[Nhãn dán]', attachments: [{ type: 'sticker', url: 'https://zalo.example/s' }] });
    expect(parseZaloWebhook(event('user_send_image', { msg_id: 'z7' }))).toMatchObject({ content: '[Hình ảnh]', attachments: [] });
  });

  it('ignores echoes of the OA, receipts, seen and follow events', () => {
    expect(parseZaloWebhook(event('oa_send_text', { msg_id: 'o1', text: 'Cảm ơn anh/chị' }))).toBeNull();
    expect(parseZaloWebhook(event('oa_send_image', { msg_id: 'o2' }))).toBeNull();
    expect(parseZaloWebhook(event('user_received_message', { msg_ids: ['o1'] }))).toBeNull();
    expect(parseZaloWebhook(event('user_seen_message', { msg_ids: ['o1'] }))).toBeNull();
    expect(parseZaloWebhook({ event_name: 'follow', follower: { id: '1' }, timestamp: String(T) })).toBeNull();
    expect(parseZaloWebhook({ event_name: 'unfollow', follower: { id: '1' }, timestamp: String(T) })).toBeNull();
    expect(parseZaloWebhook({ event_name: 'toString' })).toBeNull();
  });

  it('throws WebhookShapeError when the shape is wrong', () => {
    const bad: unknown[] = [
      null,
      'x',
      [],
      {},
      { event_name: 3 },
      event('user_send_text'),
      event('user_send_text', { text: 'không có msg_id' }),
      event('user_send_text', { msg_id: 'z', text: 'x' }, { sender: null }),
      event('user_send_text', { msg_id: 'z', text: 'x' }, { timestamp: 'hôm qua' }),
      event('user_send_text', { msg_id: 'z', text: '   ' }),
    ];
    for (const body of bad) expect(() => parseZaloWebhook(body)).toThrow(WebhookShapeError);
    expect(() => parseZaloWebhook(event('user_send_text', { text: 'x' }))).toThrow('Zalo user_send_text event has no "message.msg_id"');
  });

  it('verifies a signed raw body and parses the same bytes into the Vietnamese text', () => {
    const raw = Buffer.from(JSON.stringify(event('user_send_text', { msg_id: 'z8', text: 'Cống thoát nước ở phường 9 bị tắc' })));
    const header = signZaloBody(raw, '4291763606161179100', 'oa-key');
    expect(verifyZaloSignature(raw, header, { appId: '4291763606161179100', oaSecretKey: 'oa-key', now: new Date(T + 1000) })).toEqual({ ok: true, timestampMs: T });
    expect(parseZaloWebhook(JSON.parse(raw.toString('utf8')))?.content).toBe('Cống thoát nước ở phường 9 bị tắc');
  });
});
