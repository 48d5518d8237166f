import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';

export class ReportQueryDto {
  @ApiPropertyOptional({ description: 'ngày báo cáo YYYY-MM-DD; mặc định: kỳ gần nhất' })
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'phải là ngày dạng YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({ enum: ['json', 'txt', 'html', 'xlsx', 'docx'] }) @IsOptional() @IsIn(['json', 'txt', 'html', 'xlsx', 'docx'])
  format?: 'json' | 'txt' | 'html' | 'xlsx' | 'docx';
}

export class UnitStatisticsQueryDto {
  @ApiPropertyOptional({ description: 'từ thời điểm (ISO-8601)' }) @IsISO8601({ strict: true })
  from: string;

  @ApiPropertyOptional({ description: 'đến thời điểm (ISO-8601, không gồm)' }) @IsISO8601({ strict: true })
  to: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
