import { createHash, randomBytes } from 'node:crypto';

/** Bytes that start like each image type (the server decides by the first bytes, as it must), the rest random. */
export const jpeg = (size = 1500) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), randomBytes(size - 11)]);
export const png = (size = 1200) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size - 8)]);
export const webp = (size = 900) => Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(size - 16)]);
export const heic = (size = 1000) => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), randomBytes(size - 24)]);
export const pdf = () => Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n' + 'x'.repeat(500));
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A citizen's report as the app sends it; routed to UB-29401 (UBND xã Hòa Lợi) by the reference data. */
export const REPORT = {
  fullName: 'Nguyễn Thị Bé',
  phone: '0912345678',
  areaCode: '29401',
  categoryCode: 'AN-SINH',
  address: 'Ấp Bến Có',
  content: 'Gia đình tôi chưa nhận được hỗ trợ lương thực của xã.',
};
