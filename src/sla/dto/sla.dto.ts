import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsTimeBound } from '../../common/time-bound.js';
import { IsOptionalNonNull, toInt, trim } from '../../common/validators.js';

export class OverdueQueryDto {
  @ApiPropertyOptional({
    description: 'thời điểm xem danh sách, ISO-8601 (ví dụ 2022-01-12T16:00:00+07:00); không ghi múi giờ là giờ Việt Nam; '
      + 'chỉ ghi ngày (2022-01-12) là cuối ngày đó (24:00 giờ Việt Nam, tức 00:00 ngày hôm sau); mặc định: hiện tại',
    example: '2022-01-12T16:00:00+07:00',
  })
  @IsOptional() @IsTimeBound('to')
  at?: string;

  @ApiPropertyOptional({ description: 'chỉ một đơn vị (mã đơn vị; "none": phản ánh chưa có đơn vị)' })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(32)
  unit?: string;

  @ApiPropertyOptional({ description: 'trang danh sách phản ánh của mỗi đơn vị (từ 1)', default: 1 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  page?: number;

  @ApiPropertyOptional({ description: 'số phản ánh mỗi trang của mỗi đơn vị (1–200); mặc định 10 khi liệt kê mọi đơn vị, 50 khi xem một đơn vị (unit)' })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200)
  pageSize?: number;
}

export class ExtendDeadlineDto {
  @ApiProperty({
    description: 'hạn mới: ngày và giờ theo ISO-8601 (ví dụ 2022-01-12T16:00:00+07:00); không ghi múi giờ là giờ Việt Nam; '
      + 'chỉ ghi ngày (không có giờ) không được chấp nhận',
    example: '2022-01-12T16:00:00+07:00',
  })
  @IsTimeBound('instant')
  dueAt: string;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsInt() @Min(1)
  version?: number;
}

export class ApproveExtensionDto {
  @ApiPropertyOptional({
    description: 'hạn được chấp thuận, ISO-8601 (ví dụ 2022-01-12T16:00:00+07:00); bỏ trống là hạn đơn vị đề nghị',
    example: '2022-01-12T16:00:00+07:00',
  })
  @IsOptional() @IsTimeBound('instant')
  dueAt?: string;

  @ApiPropertyOptional({ description: 'ghi chú của điều phối viên (không bắt buộc)' })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(2000)
  note?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsInt() @Min(1)
  version?: number;
}

export class DeclineExtensionDto {
  @ApiProperty({ description: 'lý do không chấp thuận (đơn vị đề nghị được xem)' })
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsInt() @Min(1)
  version?: number;
}

export class ExtensionRequestsQueryDto {
  @ApiPropertyOptional({ description: 'trang (từ 1)', default: 1 })
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  page?: number;
}
