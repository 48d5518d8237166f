import { contentDisposition } from './content-disposition.js';

describe('contentDisposition', () => {
  it('names a Vietnamese file in UTF-8 (RFC 5987) and in plain ASCII without diacritics', () => {
    expect(contentDisposition('inline', 'ảnh hiện trường Đường số 3.jpg')).toBe(
      `inline; filename="anh hien truong Duong so 3.jpg"; filename*=UTF-8''%E1%BA%A3nh%20hi%E1%BB%87n%20tr%C6%B0%E1%BB%9Dng%20%C4%90%C6%B0%E1%BB%9Dng%20s%E1%BB%91%203.jpg`);
  });

  it('keeps quotes, backslashes, percent signs and other scripts out of the quoted name, and encodes what RFC 5987 reserves', () => {
    expect(contentDisposition('attachment', `đơn "khiếu nại" 100%\\(1)*'.pdf`)).toBe(
      `attachment; filename="don _khieu nai_ 100__(1)*'.pdf"; filename*=UTF-8''%C4%91%C6%A1n%20%22khi%E1%BA%BFu%20n%E1%BA%A1i%22%20100%25%5C%281%29%2A%27.pdf`);
    expect(contentDisposition('attachment', '报告.docx')).toBe(`attachment; filename="__.docx"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.docx`);
  });

  it('survives a lone surrogate (replaced by U+FFFD)', () => {
    expect(contentDisposition('attachment', 'a\ud800b.txt')).toBe(`attachment; filename="a_b.txt"; filename*=UTF-8''a%EF%BF%BDb.txt`);
  });
});
