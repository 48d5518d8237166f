import { stringify } from 'csv-stringify/sync';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { countTickets } from '../tickets/ticket-counts.js';
import { TicketImportService } from '../tickets/ticket-import.service.js';
import { User } from '../users/user.entity.js';

interface DemoTicket {
  channel: string; hoursAgo: number; name: string; phone: string; area: string; category: string; content: string;
  unit?: string; status?: string; resolvedHoursAgo?: number; resolution?: string;
}

/** What a newcomer sees after `npm start`: tickets of every channel and state, some late, spread over two weeks. */
export const DEMO_TICKETS: DemoTicket[] = [
  { channel: 'hotline', hoursAgo: 2, name: 'Nguyễn Văn Bình', phone: '0912345678', area: '29401', category: 'AN-SINH', content: 'Gia đình tôi ở ấp Đa Hòa Nam chưa nhận được gói hỗ trợ lương thực.' },
  { channel: 'walk_in', hoursAgo: 5, name: 'Trần Thị Cúc', phone: '0987654321', area: '29242', category: 'Y-TE', content: 'Trạm y tế phường đóng cửa vào giờ hành chính, người dân không được khám.' },
  { channel: 'app', hoursAgo: 20, name: 'Lê Minh Đức', phone: '0355123456', area: '29377', category: 'TIEM-CHUNG', content: 'Xin hỏi lịch tiêm mũi nhắc lại cho người trên 50 tuổi ở xã Đa Lộc.' },
  { channel: 'web', hoursAgo: 30, name: 'Phạm Thị Hoa', phone: '0766111222', area: '29524', category: 'XET-NGHIEM', content: 'Gia đình có người sốt cao, ho, đề nghị lấy mẫu xét nghiệm tại nhà.' },
  { channel: 'email', hoursAgo: 50, name: 'Võ Thanh Hải', phone: '0909000111', area: '29263', category: 'THONG-TIN', content: 'Trên mạng lan truyền tin phong tỏa toàn xã Long Đức, xin xác minh.' },
  { channel: 'zalo', hoursAgo: 70, name: 'Người dân qua Zalo', phone: '', area: '', category: '', content: 'Cho hỏi thủ tục xin giấy đi đường đi làm ở Cần Thơ.' },
  { channel: 'facebook', hoursAgo: 90, name: 'Người dân qua Facebook', phone: '', area: '29401', category: 'AN-SINH', content: 'Xóm tôi có 3 hộ nghèo chưa được hỗ trợ gạo.' },
  { channel: 'hotline', hoursAgo: 120, name: 'Đặng Văn Em', phone: '0918222333', area: '29245', category: 'AN-NINH', content: 'Tụ tập đông người uống rượu ban đêm trong khu cách ly.', unit: 'CA-TINH', status: 'in_progress' },
  { channel: 'hotline', hoursAgo: 150, name: 'Huỳnh Thị Gấm', phone: '0939444555', area: '29401', category: 'AN-SINH', content: 'Hộ tôi là hộ cận nghèo nhưng không có tên trong danh sách hỗ trợ.', unit: 'UB-29401', status: 'in_progress' },
  { channel: 'app', hoursAgo: 200, name: 'Lý Văn Hậu', phone: '0977666777', area: '29377', category: 'Y-TE', content: 'Xe cứu thương đến chậm khi gọi cấp cứu.', unit: 'YT-847', status: 'assigned' },
  { channel: 'walk_in', hoursAgo: 230, name: 'Ngô Thị Kim', phone: '0944888999', area: '29242', category: 'Y-TE', content: 'Đề nghị cấp lại giấy xác nhận hoàn thành cách ly.', unit: 'YT-842', status: 'resolved', resolvedHoursAgo: 200, resolution: 'Phòng Y tế đã cấp lại giấy xác nhận ngày hôm qua.' },
  { channel: 'hotline', hoursAgo: 260, name: 'Bùi Văn Long', phone: '0912345678', area: '29401', category: 'TIEM-CHUNG', content: 'Con tôi 12 tuổi chưa được tiêm vắc xin.', unit: 'UB-29401', status: 'closed', resolvedHoursAgo: 230, resolution: 'UBND xã đã bổ sung cháu vào danh sách tiêm đợt tới.' },
  { channel: 'web', hoursAgo: 280, name: 'Tạ Văn Minh', phone: '0901234567', area: '29263', category: 'KHAC', content: 'Quảng cáo bán thuốc đặc trị không rõ nguồn gốc.', status: 'rejected', resolvedHoursAgo: 270, resolution: 'Không thuộc phạm vi tiếp nhận.' },
  { channel: 'hotline', hoursAgo: 320, name: 'Châu Thị Ngọc', phone: '0967123123', area: '29524', category: 'DI-LAI', content: 'Chốt kiểm soát yêu cầu giấy xét nghiệm dù đã tiêm đủ mũi.', unit: 'CA-TINH', status: 'assigned' },
];

/** Demo tickets for the embedded database, loaded through the import so that they carry a history. */
@Injectable()
export class DemoDataService {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(private readonly ds: DataSource, private readonly clock: Clock, private readonly importer: TicketImportService) {}

  async seedIfEmpty(): Promise<void> {
    if ((await countTickets(this.ds.manager)) > 0) return;
    const admin = await this.ds.getRepository(User).findOneBy({ username: 'admin' });
    if (!admin) return;
    // the demo tickets are of the 2021 Trà Vinh list: another province's map (PROVINCE_CODE) gets none
    const areas = [...new Set(DEMO_TICKETS.map((t) => t.area).filter(Boolean))];
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM areas WHERE code = ANY($1)`, [areas]);
    if (n < areas.length) {
      this.logger.log('demo tickets skipped: they are for the communes of the 2021 Trà Vinh list, which this database does not have');
      return;
    }
    const now = this.clock.now().getTime();
    const iso = (hoursAgo: number) => new Date(now - hoursAgo * 3600_000).toISOString();
    const header = ['code', 'channel', 'received_at', 'reporter_name', 'reporter_phone', 'area_code', 'category_code', 'content', 'unit_code', 'due_at', 'resolved_at', 'status', 'resolution'];
    const csv = stringify([header, ...DEMO_TICKETS.map((t) => [
      '', t.channel, iso(t.hoursAgo), t.name, t.phone, t.area, t.category, t.content, t.unit ?? '', '',
      t.resolvedHoursAgo !== undefined ? iso(t.resolvedHoursAgo) : '', t.status ?? '', t.resolution ?? '',
    ])]);
    const res = await this.importer.import({ id: admin.id, username: admin.username, fullName: admin.fullName, role: admin.role, unitCode: null }, csv);
    await this.ds.query(`UPDATE recipient_lists SET emails = $2 WHERE code = $1 AND cardinality(emails) = 0`, ['leadership', ['lanhdao@tongdai1022.local']]);
    await this.ds.query(`UPDATE recipient_lists SET emails = $2 WHERE code = $1 AND cardinality(emails) = 0`, ['coordinators', ['dieuphoi@tongdai1022.local']]);
    await this.ds.query(`UPDATE units SET emails = $2 WHERE code = $1 AND cardinality(emails) = 0`, ['SO-YTE', ['soyte@tongdai1022.local']]);
    await this.ds.query(`UPDATE units SET emails = $2 WHERE code = $1 AND cardinality(emails) = 0`, ['UB-29401', ['ubnd.hoaloi@tongdai1022.local']]);
    this.logger.log(`loaded ${res.imported} demo tickets`);
  }
}
