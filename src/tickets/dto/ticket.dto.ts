import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min,
} from 'class-validator';
import { IsTimeBound } from '../../common/time-bound.js';
import { IsOptionalNonNull, IsVietnamesePhone, toInt, trim } from '../../common/validators.js';
import { CHANNELS, REJECT_REASONS, STATUSES, type Channel, type RejectReason } from '../ticket.entity.js';

export class CreateTicketDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(120)
  reporterName: string;

  @ApiPropertyOptional({ example: '0912345678' }) @IsOptionalNonNull() @IsVietnamesePhone()
  reporterPhone?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsEmail() @MaxLength(254)
  reporterEmail?: string;

  @ApiPropertyOptional({ description: 'mã xã, phường, thị trấn (hoặc huyện)' }) @IsOptionalNonNull() @IsString() @MaxLength(10)
  areaCode?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @Transform(trim) @IsString() @MaxLength(300)
  address?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsString() @MaxLength(32)
  categoryCode?: string;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(10000)
  content: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean()
  urgent?: boolean;
}

// the time-bound reading moved to common/time-bound.ts; re-exported for the modules that import it from here
export { parseTimeBound } from '../../common/time-bound.js';

/** "a,b" and repeated parameters (?status=a&status=b) alike become a list. */
const commaList = ({ value }: { value: unknown }) => {
  const parts = Array.isArray(value) ? value : [value];
  return parts.every((v) => typeof v === 'string') ? parts.flatMap((v: string) => v.split(',')).map((v) => v.trim()).filter(Boolean) : value;
};

export const TICKET_SORTS = ['received', 'deadline'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

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
  @IsOptional() @IsTimeBound('from')
  receivedFrom?: string;

  @ApiPropertyOptional({ description: 'đến trước thời điểm này; một ngày là gồm cả ngày đó; không ghi múi giờ là giờ Việt Nam' })
  @IsOptional() @IsTimeBound('to')
  receivedTo?: string;

  @ApiPropertyOptional({ description: 'tìm trong mã, người phản ánh, số điện thoại, địa chỉ, nội dung; không phân biệt dấu; số điện thoại viết có dấu cách, dấu chấm, và mã phản ánh viết thường hoặc không có gạch ngang cũng tìm được' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'số điện thoại ở mọi dạng' }) @IsOptional() @IsVietnamesePhone()
  phone?: string;

  @ApiPropertyOptional({
    enum: TICKET_SORTS, default: 'received',
    description: 'received: mới tiếp nhận trước; deadline: phản ánh đang mở theo hạn xử lý (trễ hạn trước), sau đó các phản ánh đã xong',
  })
  @IsOptional() @IsIn(TICKET_SORTS)
  sort?: TicketSort;

  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  page?: number;

  @ApiPropertyOptional() @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  pageSize?: number;
}

/** Optional on every action: the version the person saw; a stale one answers 409. */
class VersionedDto {
  @ApiPropertyOptional() @IsOptionalNonNull() @IsInt() @Min(1)
  version?: number;
}

export class AssignDto extends VersionedDto {
  @ApiPropertyOptional({ description: 'bỏ trống: hệ thống phân công theo quy tắc' }) @IsOptionalNonNull() @IsString() @IsNotEmpty()
  unitCode?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsString() @IsNotEmpty()
  categoryCode?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsString() @IsNotEmpty()
  areaCode?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;
}

export class NoteDto extends VersionedDto {
  @ApiPropertyOptional() @IsOptionalNonNull() @Transform(trim) @IsString() @MaxLength(2000)
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

  @ApiPropertyOptional({ description: 'bắt buộc khi lý do là duplicate' }) @IsOptionalNonNull() @IsString() @IsNotEmpty()
  duplicateOf?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;
}

export class CommentDto {
  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(5000)
  text: string;

  @ApiPropertyOptional({ description: 'chỉ cán bộ xem được; mặc định true' }) @IsOptionalNonNull() @IsBoolean()
  internal?: boolean;
}

export class MergeTicketDto extends VersionedDto {
  @ApiProperty({ description: 'mã phản ánh được giữ lại' }) @IsString() @IsNotEmpty()
  intoCode: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;
}
