import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, ValidateBy } from 'class-validator';
import { IsTimeBound } from '../../common/time-bound.js';

/**
 * A YYYY-MM-DD date that exists on the calendar: 2024-02-29 does, 2022-02-30 does not (Date would roll it over to
 * 2 March). Other shapes pass here: the format check reports them.
 */
export function isCalendarDate(value: unknown): boolean {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!m) return true;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export class ReportQueryDto {
  @ApiPropertyOptional({ description: 'ngày báo cáo YYYY-MM-DD; mặc định: kỳ gần nhất' })
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'phải là ngày dạng YYYY-MM-DD' })
  @ValidateBy({ name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => 'không phải ngày có thật trên lịch' } })
  date?: string;

  @ApiPropertyOptional({ enum: ['json', 'txt', 'html', 'xlsx', 'docx'] }) @IsOptional() @IsIn(['json', 'txt', 'html', 'xlsx', 'docx'])
  format?: 'json' | 'txt' | 'html' | 'xlsx' | 'docx';
}

export class UnitStatisticsQueryDto {
  @ApiProperty({
    description: 'từ thời điểm (gồm cả), ISO-8601; không ghi múi giờ là giờ Việt Nam; chỉ ghi ngày (2022-01-01) là từ 00:00 ngày đó giờ Việt Nam',
    example: '2022-01-01',
  })
  @IsTimeBound('from')
  from: string;

  @ApiProperty({
    description: 'đến trước thời điểm này (không gồm), ISO-8601; không ghi múi giờ là giờ Việt Nam; chỉ ghi ngày (2022-01-31) là gồm cả ngày đó '
      + '(đến 24:00 giờ Việt Nam); số liệu là tình trạng tại thời điểm này',
    example: '2022-01-31',
  })
  @IsTimeBound('to')
  to: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
