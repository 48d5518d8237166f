import { parseFacebookWebhook, WebhookShapeError } from './facebook-event.js';
import { signFacebookBody, verifyFacebookSignature } from './facebook-signature.js';

const PAGE = '106000000000001';
const T = 1760000000000;
const item = (psid: string, ts: number, extra: Record<string, unknown>) => ({ sender: { id: psid }, recipient: { id: PAGE }, timestamp: ts, ...extra });

/** Meta's serialisation: non-ASCII as \uXXXX escapes and "/" as "\/". */
const metaJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('parseFacebookWebhook', () => {
  it('handles every entry and every messaging item of a batch, keeping only real citizen messages', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: T + 500,
          messaging: [
            item('psid-1', T, { message: { mid: 'm_1', text: 'Đèn đường ấp 3 bị hỏng' } }),
            item('psid-1', T + 1, { delivery: { mids: ['m_reply'], watermark: T } }),
            item(PAGE, T + 2, { message: { mid: 'm_echo', text: 'Cảm ơn anh/chị', is_echo: true, app_id: 1 } }),
            item('psid-2', T + 3, { message: { mid: 'm_2', attachments: [{ type: 'image', payload: { url: 'https://cdn.example/a.jpg' } }] } }),
          ],
        },
        {
          id: PAGE,
          time: T + 900,
          messaging: [
            item('psid-3', T + 10, { read: { watermark: T + 5 } }),
            item('psid-3', T + 11, { postback: { title: 'Bắt đầu', payload: 'GET_STARTED' } }),
            item('psid-3', T + 12, {
              message: { mid: 'm_3', attachments: [{ type: 'location', payload: { coordinates: { lat: 9.93, long: 106.34 } } }] },
            }),
            item('psid-4', T + 13, {
              message: { mid: 'm_4', text: 'Hồ sơ đính kèm', attachments: [{ type: 'file', payload: { url: 'https://cdn.example/don.pdf' } }] },
            }),
          ],
        },
      ],
    };

    const out = parseFacebookWebhook(body);

    expect(out.map((c) => c.externalId)).toEqual(['m_1', 'm_2', 'm_3', 'm_4']);
    expect(out[0]).toEqual({
      channel: 'facebook',
      externalId: 'm_1',
      senderId: 'psid-1',
      recipientId: PAGE,
      reporterName: null,
      content: 'Đèn đường ấp 3 bị hỏng',
      attachments: [],
      receivedAt: new Date(T),
    });
    expect(out[1]).toMatchObject({ senderId: 'psid-2', content: '[Hình ảnh]', attachments: [{ type: 'image', url: 'https://cdn.example/a.jpg' }] });
    expect(out[2]).toMatchObject({ content: '[Vị trí: 9.93, 106.34]', attachments: [{ type: 'location', lat: 9.93, long: 106.34 }], receivedAt: new Date(T + 12) });
    expect(out[3]).toMatchObject({ content: 'Hồ sơ đính kèm', attachments: [{ type: 'file', url: 'https://cdn.example/don.pdf' }] });
  });

  it('verifies the signature over the raw escaped-unicode bytes and yields the real Vietnamese text', () => {
    const text = 'Đường Nguyễn Đáng, phường 9 bị ngập/hư hỏng';
    const raw = Buffer.from(metaJson({ object: 'page', entry: [{ id: PAGE, time: T, messaging: [item('psid-1', T, { message: { mid: 'm_u', text } })] }] }));
    expect(raw.toString()).toContain('\\u0110\\u01b0\\u1eddng');
    expect(raw.toString()).toContain('ng\\u1eadp\\/h');

    const header = signFacebookBody(raw, 'secret');
    expect(verifyFacebookSignature(raw, header, 'secret')).toBe(true);
    // A body re-serialised from the parsed JSON is different bytes: it must not be what gets hashed.
    expect(verifyFacebookSignature(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), header, 'secret')).toBe(false);

    const [complaint] = parseFacebookWebhook(JSON.parse(raw.toString('utf8')));
    expect(complaint.content).toBe(text);
  });

  it('maps stickers, videos, shared links and describes several attachments', () => {
    const [c] = parseFacebookWebhook({
      object: 'page',
      entry: [
        {
          id: PAGE,
          messaging: [
            item('psid-1', T, {
              message: {
                mid: 'm_s',
                attachments: [
                  { type: 'image', payload: { url: 'https://cdn.example/like.png', sticker_id: 369239263222822 } },
                  { type: 'video', payload: { url: 'https://cdn.example/v.mp4' } },
                  { type: 'fallback', title: 'Bài báo', url: 'https://news.example/x', payload: null },
                  { type: 'template', payload: { template_type: 'generic' } },
                  { type: 'location', payload: { coordinates: { lat: 'north', long: 1 } } },
                ],
              },
            }),
          ],
        },
      ],
    });
    expect(c.attachments).toEqual([
      { type: 'sticker', url: 'https://cdn.example/like.png' },
      { type: 'file', url: 'https://cdn.example/v.mp4' },
      { type: 'file', url: 'https://news.example/x', name: 'Bài báo' },
      { type: 'location' },
    ]);
    expect(c.content).toBe('[Nhãn dán] [Tệp đính kèm] [Tệp đính kèm: Bài báo] [Vị trí]');
  });

  it('skips unusable items instead of throwing', () => {
    const out = parseFacebookWebhook({
      object: 'page',
      entry: [
        null,
        'x',
        { id: PAGE, changes: [{ field: 'feed' }] },
        { id: PAGE, time: T, messaging: 'nope' },
        {
          id: PAGE,
          time: T,
          messaging: [
            null,
            42,
            { sender: { id: 'p' }, timestamp: T },
            item('p', T, { message: 'text' }),
            item('p', T, { message: { text: 'no mid' } }),
            { recipient: { id: PAGE }, timestamp: T, message: { mid: 'm_nosender', text: 'x' } },
            { sender: 'p', timestamp: T, message: { mid: 'm_badsender', text: 'x' } },
            item('p', T, { message: { mid: 'm_empty', text: '   ' } }),
            item('p', T, { message: { mid: 'm_badatt', attachments: [null, { type: 7 }, { type: 'image', payload: 'x' }] } }),
            { sender: { id: 'p' }, timestamp: 'soon', message: { mid: 'm_entrytime', text: 'dùng giờ của entry' } },
          ],
        },
        { id: PAGE, messaging: [{ sender: { id: 'p' }, message: { mid: 'm_notime', text: 'x' } }] },
      ],
    });
    expect(out.map((c) => c.externalId)).toEqual(['m_badatt', 'm_entrytime']);
    expect(out[0]).toMatchObject({ content: '[Hình ảnh]', attachments: [{ type: 'image' }] });
    expect(out[1]).toMatchObject({ receivedAt: new Date(T), recipientId: PAGE });
  });

  it('returns nothing for other products (object is not "page")', () => {
    expect(parseFacebookWebhook({ object: 'instagram', entry: [{ id: '1', messaging: [item('p', T, { message: { mid: 'm', text: 'x' } })] }] })).toEqual([]);
  });

  it('throws WebhookShapeError with an English message when the top level is wrong', () => {
    for (const body of [null, undefined, 'page', [], 42, {}, { object: 1, entry: [] }, { object: 'page' }, { object: 'page', entry: {} }]) {
      expect(() => parseFacebookWebhook(body)).toThrow(WebhookShapeError);
    }
    expect(() => parseFacebookWebhook({ object: 'page' })).toThrow('Facebook webhook body has no "entry" array');
    expect(parseFacebookWebhook({ object: 'page', entry: [] })).toEqual([]);
  });
});
