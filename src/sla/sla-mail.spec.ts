import { digestMail } from './sla-mail.js';

describe('digestMail', () => {
  const now = new Date('2026-03-05T09:00:00Z');
  const ticket = {
    code: 'PA-AAAA-BBBB', content: 'Đèn đường <script>alert("x")</script> & ống cống', dueAt: new Date('2026-03-04T02:00:00Z'),
    unitName: 'UBND xã Hòa Lợi', categoryName: 'Giao thông <b>', receivedAt: new Date('2026-03-02T02:00:00Z'),
  };

  it('escapes what citizens and admins typed, and links each ticket', () => {
    const mail = digestMail(['a@example.com'], 'UBND "xã" <Hòa Lợi>', now, [ticket], now, 'https://tongdai.example.gov.vn/');
    const html = String(mail.html);
    expect(html).not.toContain('<script>');
    expect(html).toContain('Đèn đường &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ống cống');
    expect(html).toContain('Giao thông &lt;b&gt;');
    expect(html).toContain('Kính gửi UBND &quot;xã&quot; &lt;Hòa Lợi&gt;,');
    expect(html).toContain('<a href="https://tongdai.example.gov.vn/tickets/PA-AAAA-BBBB">PA-AAAA-BBBB</a>');
    expect(html).toContain('<td>1 ngày</td>');
  });
});
