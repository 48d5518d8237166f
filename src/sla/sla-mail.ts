import { formatDateTimeVi, formatDateVi } from '../common/vn-time.js';
import type nunjucks from 'nunjucks';
import type { EmailPayload } from '../notifications/outbox.service.js';
import { createEnvironment } from '../views/views.js';

/** The e-mails of the deadline watch, in Vietnamese. */
export interface NoticeTicket {
  code: string;
  content: string;
  dueAt: Date;
  unitName: string | null;
  categoryName: string | null;
  receivedAt: Date;
}

const excerpt = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const link = (publicUrl: string, code: string) => `${publicUrl.replace(/\/$/, '')}/tickets/${encodeURIComponent(code)}`;
let env: nunjucks.Environment | undefined;

function ticketBlock(t: NoticeTicket, publicUrl: string): string {
  return [
    `Mã phản ánh: ${t.code}`,
    `Đơn vị xử lý: ${t.unitName ?? 'chưa phân công'}`,
    `Lĩnh vực: ${t.categoryName ?? 'chưa phân loại'}`,
    `Tiếp nhận lúc: ${formatDateTimeVi(t.receivedAt)}`,
    `Hạn xử lý: ${formatDateTimeVi(t.dueAt)}`,
    `Nội dung: ${excerpt(t.content)}`,
    `Xem chi tiết: ${link(publicUrl, t.code)}`,
  ].join('\n');
}

export function dueSoonMail(to: string[], t: NoticeTicket, publicUrl: string): EmailPayload {
  return {
    to,
    subject: `[Tổng đài 1022] Sắp đến hạn xử lý: phản ánh ${t.code}`,
    text: `Kính gửi ${t.unitName ?? 'bộ phận điều phối'},\n\nPhản ánh dưới đây sắp đến hạn xử lý (hạn ${formatDateTimeVi(t.dueAt)}). Đề nghị đơn vị khẩn trương xử lý và báo cáo kết quả trên hệ thống.\n\n${ticketBlock(t, publicUrl)}\n\nTổng đài 1022\n`,
  };
}

export function overdueMail(to: string[], cc: string[], t: NoticeTicket, publicUrl: string): EmailPayload {
  return {
    to,
    cc,
    subject: `[Tổng đài 1022] Trễ hạn xử lý: phản ánh ${t.code}`,
    text: `Kính gửi ${t.unitName ?? 'bộ phận điều phối'},\n\nPhản ánh dưới đây đã quá hạn xử lý từ ${formatDateTimeVi(t.dueAt)}. Đề nghị đơn vị xử lý ngay và báo cáo kết quả trên hệ thống.\n\n${ticketBlock(t, publicUrl)}\n\nTổng đài 1022\n`,
  };
}

/** `total`: how many the unit has late in all, when `tickets` lists only the oldest of them. */
export function digestMail(to: string[], unitName: string, day: Date, tickets: NoticeTicket[], now: Date, publicUrl: string, total = tickets.length): EmailPayload {
  // "trễ 23 giờ" within the first day, "trễ 3 ngày" after
  const late = (t: NoticeTicket) => {
    const hours = Math.max(0, Math.floor((now.getTime() - t.dueAt.getTime()) / 3_600_000));
    return hours < 24 ? `${hours} giờ` : `${Math.floor(hours / 24)} ngày`;
  };
  const lines = tickets.map((t, i) =>
    `${i + 1}. ${t.code} — hạn ${formatDateTimeVi(t.dueAt)} (trễ ${late(t)}) — ${t.categoryName ?? 'chưa phân loại'}\n   ${excerpt(t.content, 160)}\n   ${link(publicUrl, t.code)}`);
  const rows = tickets.map((t) => ({
    code: t.code, link: link(publicUrl, t.code), dueAt: formatDateTimeVi(t.dueAt), late: late(t),
    category: t.categoryName ?? 'chưa phân loại', excerpt: excerpt(t.content, 160),
  }));
  const listLink = `${publicUrl.replace(/\/$/, '')}/tre-han`;
  const shown = total > tickets.length ? `; dưới đây là ${tickets.length} phản ánh trễ lâu nhất, danh sách đầy đủ tại ${listLink}` : '';
  return {
    to,
    subject: `[Tổng đài 1022] ${unitName}: ${total} phản ánh trễ hạn ngày ${formatDateVi(day)}`,
    text: `Kính gửi ${unitName},\n\nĐơn vị đang có ${total} phản ánh trễ hạn xử lý (xếp từ cũ nhất)${shown}:\n\n${lines.join('\n')}\n\nĐề nghị đơn vị khẩn trương xử lý.\n\nTổng đài 1022\n`,
    // the view layer's template, escaping on (src/views/templates/mail/overdue-digest.njk)
    html: (env ??= createEnvironment()).render('mail/overdue-digest.njk', { unitName, total, shown, tickets: rows }),
  };
}
