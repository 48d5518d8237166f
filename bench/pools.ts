/**
 * The words the generated tickets are made of: citizens' names, hamlets, and what people report in each category.
 * Small pools combined by the generator (and by the creation load), so that texts repeat as real ones do.
 */
import { CHANNELS, type Channel } from '../src/tickets/ticket.entity.js';

export const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Đặng', 'Thạch', 'Kim', 'Sơn', 'Dương', 'Lâm'];
export const MIDDLE_NAMES = ['Văn', 'Thị', 'Minh', 'Thanh', 'Ngọc', 'Hoàng', 'Hữu', 'Kim'];
export const GIVEN_NAMES = [
  'An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Hải', 'Hạnh', 'Hòa', 'Hùng', 'Hương', 'Khánh', 'Lan', 'Linh', 'Lợi', 'Mai',
  'Nam', 'Nga', 'Phúc', 'Phương', 'Quang', 'Sang', 'Sóc', 'Tâm', 'Thảo', 'Thành', 'Tuấn', 'Út', 'Vân', 'Xuân', 'Yến',
];

/** Every combination of the name parts, in a fixed order. */
export function personNames(): string[] {
  const out: string[] = [];
  for (const s of SURNAMES) for (const m of MIDDLE_NAMES) for (const g of GIVEN_NAMES) out.push(`${s} ${m} ${g}`);
  return out;
}

/** Mobile prefixes under which every 7-digit number is valid (libphonenumber's metadata), national form. */
export const MOBILE_PREFIXES = ['090', '091', '093', '094', '096', '097', '098', '086', '088', '032', '033', '070', '077', '081', '083', '084', '085'];

export const HAMLETS = [
  'ấp Mỹ Cẩm', 'ấp Ô Chích', 'ấp Bến Có', 'ấp Phước Hưng', 'ấp Long Hanh', 'ấp Sóc Cục', 'ấp Nhứt', 'ấp Nhì', 'ấp Ba',
  'ấp Tân Lập', 'ấp Đa Hậu', 'ấp Giồng Lức', 'ấp Rạch Bàng', 'ấp Trà Kim', 'khóm 1', 'khóm 2', 'khóm 3', 'khóm 4',
];

/**
 * What citizens write, per category: each ticket takes one sentence of its category and a number ("hộ số 12"),
 * so that the texts of a category look alike without being identical.
 */
export const CONTENT: Record<string, string[]> = {
  'Y-TE': [
    'Trạm y tế xã đóng cửa trong giờ hành chính, người dân không được khám bệnh',
    'Bệnh viện huyện yêu cầu đóng thêm viện phí ngoài danh mục bảo hiểm y tế',
    'Xe cấp cứu đến chậm hơn một giờ sau khi gọi tổng đài',
    'Thuốc bảo hiểm y tế tại trạm y tế bị thiếu nhiều tháng nay',
    'Nhân viên y tế có thái độ không đúng mực với người bệnh',
  ],
  'XET-NGHIEM': [
    'Chưa nhận được kết quả xét nghiệm sau ba ngày lấy mẫu',
    'Khu cách ly tập trung thiếu nước sạch và thức ăn',
    'Gia đình có người dương tính nhưng chưa được hướng dẫn cách ly tại nhà',
    'Điểm lấy mẫu xét nghiệm đông người, không giữ khoảng cách',
  ],
  'TIEM-CHUNG': [
    'Người cao tuổi chưa được tiêm mũi nhắc lại vắc xin',
    'Đã tiêm nhưng chưa được cập nhật trên ứng dụng sổ sức khỏe điện tử',
    'Trẻ em trong ấp chưa được tiêm chủng mở rộng theo lịch',
    'Điểm tiêm chủng thông báo lịch tiêm không rõ ràng',
  ],
  'AN-SINH': [
    'Hộ nghèo chưa nhận được gói hỗ trợ lương thực của xã',
    'Người lao động tự do mất việc chưa được nhận tiền hỗ trợ',
    'Danh sách hộ được hỗ trợ không công khai tại ấp',
    'Gia đình chính sách chưa nhận được quà hỗ trợ dịp Tết',
    'Người khuyết tật chưa được xét trợ cấp xã hội hằng tháng',
  ],
  'DI-LAI': [
    'Chốt kiểm soát không cho xe chở nông sản đi qua',
    'Đường liên ấp sạt lở, xe máy không đi được',
    'Cầu khỉ trong ấp xuống cấp, học sinh đi học nguy hiểm',
    'Xe khách dừng đón khách sai quy định trên quốc lộ',
  ],
  'AN-NINH': [
    'Nhóm thanh niên tụ tập gây mất trật tự vào ban đêm',
    'Quán karaoke mở nhạc lớn sau mười giờ đêm',
    'Trộm cắp tài sản xảy ra nhiều lần trong ấp',
    'Có người cho vay nặng lãi, đe dọa người dân',
  ],
  'THONG-TIN': [
    'Trang mạng xã hội đăng tin sai sự thật về dịch bệnh tại xã',
    'Tin nhắn lừa đảo mạo danh cơ quan nhà nước yêu cầu chuyển tiền',
    'Video cắt ghép xúc phạm cán bộ địa phương lan truyền trên mạng',
  ],
  KHAC: [
    'Đề nghị sửa chữa hệ thống đèn chiếu sáng công cộng trong ấp',
    'Rác thải không được thu gom đúng lịch, gây ô nhiễm',
    'Nước sinh hoạt bị đục, có mùi lạ nhiều ngày',
    'Đề nghị hướng dẫn thủ tục cấp giấy chứng nhận quyền sử dụng đất',
    'Tiếng ồn từ xưởng sản xuất ảnh hưởng sinh hoạt của người dân',
    'Cống thoát nước bị tắc, nước ngập đường sau mỗi trận mưa',
  ],
};

export const RESOLUTIONS = [
  'Đơn vị đã kiểm tra thực tế, xử lý và trả lời người dân.',
  'Đã liên hệ người dân, giải thích và hướng dẫn thực hiện.',
  'Đã chỉ đạo bộ phận chuyên môn khắc phục, người dân đồng ý với kết quả.',
];

/** Share of each category among the tickets (sums to 1). */
export const CATEGORY_SHARES: Array<[string, number]> = [
  ['Y-TE', 0.16], ['XET-NGHIEM', 0.04], ['TIEM-CHUNG', 0.08], ['AN-SINH', 0.2],
  ['DI-LAI', 0.06], ['AN-NINH', 0.12], ['THONG-TIN', 0.06], ['KHAC', 0.28],
];

/** Share of each channel (sums to 1). */
export const CHANNEL_SHARES: Array<[Channel, number]> = [
  ['hotline', 0.42], ['walk_in', 0.06], ['app', 0.14], ['web', 0.08], ['email', 0.05], ['zalo', 0.15], ['facebook', 0.1],
];

if (CHANNEL_SHARES.some(([c]) => !CHANNELS.includes(c))) throw new Error('unknown channel in CHANNEL_SHARES');

/** SQL CASE choosing a value by cumulative shares of a uniform number `u` in [0, 1). */
export function pickByShare(u: string, shares: Array<[string, number]>): string {
  let acc = 0;
  const arms = shares.slice(0, -1).map(([v, s]) => {
    acc += s;
    return `WHEN ${u} < ${acc.toFixed(6)} THEN '${v}'`;
  });
  return `(CASE ${arms.join(' ')} ELSE '${shares[shares.length - 1][0]}' END)`;
}
