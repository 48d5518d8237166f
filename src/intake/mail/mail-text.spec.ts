import { safeFilename } from '../../attachments/safe-filename.js';
import { addressOf, mailExternalId, stripQuotedReply } from './mail-text.js';

describe('stripQuotedReply', () => {
  it('drops the quoted message at the end with its attribution line', () => {
    const text = 'Vẫn chưa sửa.\nXin cảm ơn.\n\nOn Mon, 2 Mar 2026 at 09:00, Tổng đài 1022 <tongdai1022@travinh.gov.vn>\nwrote:\n> Kính gửi Quý ông/bà,\n>\n> Mã phản ánh: PA-7K3M-9QXZ\n';
    expect(stripQuotedReply(text)).toBe('Vẫn chưa sửa.\nXin cảm ơn.');
    expect(stripQuotedReply('Đã nhận.\r\n\r\nVào Thứ Hai, Tổng đài 1022 đã viết:\r\n> Mã phản ánh: PA-7K3M-9QXZ')).toBe('Đã nhận.');
  });

  it('keeps quotes answered in between, text without quotes, and a message that is only a quote', () => {
    const interleaved = '> Địa chỉ ở đâu?\nSố 12 Lê Lợi.\n> Từ khi nào?\nMột tuần nay.';
    expect(stripQuotedReply(interleaved)).toBe(interleaved);
    expect(stripQuotedReply('  Cống bị tắc.  \n')).toBe('Cống bị tắc.');
    expect(stripQuotedReply('> chỉ có trích dẫn')).toBe('> chỉ có trích dẫn');
  });
});

describe('mail helpers', () => {
  it('uses the Message-ID as the key, or a hash of the raw message (or of an over-long id)', () => {
    expect(mailExternalId('<a@b>', Buffer.from('x'))).toBe('<a@b>');
    const hashed = mailExternalId(undefined, Buffer.from('raw message'));
    expect(hashed).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(mailExternalId(undefined, Buffer.from('raw message'))).toBe(hashed);
    expect(mailExternalId(undefined, Buffer.from('another message'))).not.toBe(hashed);
    expect(mailExternalId(`<${'x'.repeat(300)}@b>`, Buffer.from('x'))).toMatch(/^sha256:/);
  });

  it('keeps only the last path segment of a file name, without control characters', () => {
    expect(safeFilename('..\\..\\etc/pass\u0000wd.txt')).toBe('passwd.txt');
    expect(safeFilename('  ')).toBeNull();
    expect(safeFilename(undefined)).toBeNull();
  });

  it('reads the address of a mailbox setting', () => {
    expect(addressOf('"Tổng đài 1022" <TongDai1022@TraVinh.gov.vn>')).toBe('tongdai1022@travinh.gov.vn');
    expect(addressOf('tongdai1022@localhost')).toBe('tongdai1022@localhost');
    expect(addressOf('Tổng đài')).toBeNull();
  });
});
