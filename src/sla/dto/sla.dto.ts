import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { toInt, trim } from '../../common/validators.js';

export class CalendarQueryDto {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(2000) @Max(2200)
  year: number;
}

export class CalendarDayDto {
  @ApiProperty({ enum: ['off', 'work'], description: 'off: ngày nghỉ; work: ngày làm bù' }) @IsIn(['off', 'work'])
  kind: 'off' | 'work';

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;
}

export class OverdueQueryDto {
  @ApiPropertyOptional({ description: 'thời điểm ISO-8601; mặc định: hiện tại' }) @IsOptional() @IsISO8601({ strict: true })
  at?: string;
}

export class ExtendDeadlineDto {
  @ApiProperty({ description: 'hạn mới, ISO-8601' }) @IsISO8601({ strict: true })
  dueAt: string;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1)
  version?: number;
}
