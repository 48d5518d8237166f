import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, registerDecorator,
} from 'class-validator';
import { IsVietnamesePhone, toInt, trim } from '../../common/validators.js';
import { CHANNELS, REJECT_REASONS, STATUSES, type Channel, type RejectReason } from '../ticket.entity.js';

export class CreateTicketDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(120)
  reporterName: string;

  @ApiPropertyOptional({ example: '0912345678' }) @IsOptional() @IsVietnamesePhone()
  reporterPhone?: string;

  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254)
  reporterEmail?: string;

  @ApiPropertyOptional({ description: 'mã xã, phường, thị trấn (hoặc huyện)' }) @IsOptional() @IsString() @MaxLength(10)
  areaCode?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(300)
  address?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32)
  categoryCode?: string;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(10000)
  content: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  urgent?: boolean;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A bound of a time filter as an instant. An ISO-8601 date and time; without an offset it is Viet Nam time (UTC+7),
 * never the server's own zone. A bare date is that day in Viet Nam: its start for a lower bound, and for an upper
 * bound (exclusive) the start of the next day, so that "to 2022-01-12" includes the 12th. Null when not such a value.
 */
export function parseTimeBound(value: string, bound: 'from' | 'to'): Date | null {
  const m = INSTANT.exec(value);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, zone] = m;
  const day = new Date(Date.UTC(+y, +mo - 1, +d));
  if (day.getUTCFullYear() !== +y || day.getUTCMonth() !== +mo - 1 || day.getUTCDate() !== +d) return null;
  if (hh === undefined) return new Date(Date.parse(`${y}-${mo}-${d}T00:00:00+07:00`) + (bound === 'to' ? 86_400_000 : 0));
  if (+hh > 23 || +mi > 59 || (ss !== undefined && +ss > 59)) return null;
  const offset = !zone ? '+07:00' : /^z$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const at = new Date(`${value.slice(0, value.length - (zone?.length ?? 0))}${offset}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

function IsTimeBound() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isTimeBound',
      target: object.constructor,
      propertyName,
      options: { message: 'phải là ngày hoặc thời điểm theo ISO-8601 (ví dụ 2022-01-12 hoặc 2022-01-12T16:00:00+07:00)' },
      validator: { validate: (v: unknown) => typeof v === 'string' && parseTimeBound(v, 'from') !== null },
    });
}

/** "a,b" and repeated parameters (?status=a&status=b) alike become a list. */
const commaList = ({ value }: { value: unknown }) => {
  const parts = Array.isArray(value) ? value : [value];
  return parts.every((v) => typeof v === 'string') ? parts.flatMap((v: string) => v.split(',')).map((v) => v.trim()).filter(Boolean) : value;
};

export class TicketQueryDto {
  @ApiPropertyOptional({ description: 'một hoặc nhiều trạng thái, cách nhau bởi dấu phẩy' })
  @IsOptional() @Transform(commaList)
  @IsIn(STATUSES, { each: true })
  status?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32)
  unit?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32)
  category?: string;

  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'mã khu vực; gồm cả các khu vực trực thuộc' }) @IsOptional() @IsString() @MaxLength(10)
  area?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'từ thời điểm (gồm cả); một ngày là từ đầu ngày đó; không ghi múi giờ là giờ Việt Nam' })
  @IsOptional() @IsTimeBound()
  receivedFrom?: string;

  @ApiPropertyOptional({ description: 'đến trước thời điểm này; một ngày là gồm cả ngày đó; không ghi múi giờ là giờ Việt Nam' })
  @IsOptional() @IsTimeBound()
  receivedTo?: string;

  @ApiPropertyOptional({ description: 'tìm trong mã, người phản ánh, địa chỉ, nội dung; không phân biệt dấu' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'số điện thoại ở mọi dạng' }) @IsOptional() @IsVietnamesePhone()
  phone?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  page?: number;

  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  pageSize?: number;
}

/** Optional on every action: the version the person saw; a stale one answers 409. */
class VersionedDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1)
  version?: number;
}

export class AssignDto extends VersionedDto {
  @ApiPropertyOptional({ description: 'bỏ trống: hệ thống phân công theo quy tắc' }) @IsOptional() @IsString() @IsNotEmpty()
  unitCode?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty()
  categoryCode?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty()
  areaCode?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;
}

export class NoteDto extends VersionedDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;
}

export class ReasonDto extends VersionedDto {
  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;
}

export class ResolveDto extends VersionedDto {
  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(10000)
  resolution: string;
}

export class RejectDto extends VersionedDto {
  @ApiProperty({ enum: REJECT_REASONS }) @IsIn(REJECT_REASONS)
  reason: RejectReason;

  @ApiPropertyOptional({ description: 'bắt buộc khi lý do là duplicate' }) @IsOptional() @IsString() @IsNotEmpty()
  duplicateOf?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;
}

export class CommentDto {
  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(5000)
  text: string;

  @ApiPropertyOptional({ description: 'chỉ cán bộ xem được; mặc định true' }) @IsOptional() @IsBoolean()
  internal?: boolean;
}

export class MergeTicketDto extends VersionedDto {
  @ApiProperty({ description: 'mã phản ánh được giữ lại' }) @IsString() @IsNotEmpty()
  intoCode: string;

  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;
}
