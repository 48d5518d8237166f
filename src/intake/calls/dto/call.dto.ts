import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength, registerDecorator } from 'class-validator';
import { IsOptionalNonNull, trim } from '../../../common/validators.js';
import { CreateTicketDto, parseTimeBound } from '../../../tickets/dto/ticket.dto.js';
import { CHANNELS, type Channel } from '../../../tickets/ticket.entity.js';

/** An ISO-8601 date and time; without an offset it is Viet Nam time. */
function IsInstant() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName,
      options: { message: 'phải là thời điểm theo ISO-8601 (ví dụ 2026-03-02T09:15:00+07:00)' },
      validator: { validate: (v: unknown) => typeof v === 'string' && v.includes('T') && parseTimeBound(v, 'from') !== null },
    });
}

/** What the telephone exchange sends when a call comes in. */
export class AnnounceCallDto {
  @ApiProperty({ description: 'mã cuộc gọi của tổng đài; gửi lại cùng mã không tạo cuộc gọi mới', example: 'c-20260302-0915-0042' })
  @IsString() @IsNotEmpty() @MaxLength(100) @Matches(/^[\x21-\x7e]+$/, { message: 'chỉ gồm chữ, số và ký hiệu, không có khoảng trắng' })
  callId: string;

  @ApiProperty({ description: 'số gọi đến ở mọi dạng (0912…, +84912…, 84912…); số ẩn cũng được nhận', example: '0912345678' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(32)
  callerNumber: string;

  @ApiProperty({ example: '2026-03-02T09:15:00+07:00' }) @IsInstant()
  startedAt: string;

  @ApiPropertyOptional({
    description: 'tên đăng nhập của tổng đài viên nhận cuộc gọi: màn hình tiếp nhận của người đó hiện cuộc gọi; bỏ trống: hiện cho mọi tổng đài viên',
    example: 'tongdaivien',
  })
  @IsOptionalNonNull() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(64)
  operator?: string;
}

/** The operator's ticket form during a call: the phone number comes from the call. */
export class CallTicketDto extends OmitType(CreateTicketDto, ['reporterPhone', 'channel'] as const) {
  @ApiPropertyOptional({ enum: CHANNELS, default: 'hotline' }) @IsOptionalNonNull() @IsIn(CHANNELS)
  channel?: Channel;
}
