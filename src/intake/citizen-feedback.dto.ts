import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { IsOptionalNonNull, trim } from '../common/validators.js';

/**
 * A citizen's answer recorded by staff (from a call back): the fields as strings, checked by checkFeedback
 * (citizen-feedback.service.ts), which names each wrong field with its reason.
 */
export class RecordFeedbackDto {
  @ApiProperty({ description: '"yes": việc đã được giải quyết; "no": chưa', enum: ['yes', 'no'] })
  @IsOptional() @IsString() @MaxLength(8)
  settled?: string;

  @ApiProperty({ description: 'điểm từ 1 đến 5', example: '4' })
  @IsOptional() @Transform(({ value }) => (typeof value === 'number' ? String(value) : value)) @IsString() @MaxLength(4)
  rating?: string;

  @ApiPropertyOptional({ description: 'ý kiến của người dân; bắt buộc khi chưa được giải quyết' })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(2000)
  reason?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsInt() @Min(1)
  version?: number;
}

export class ExplainDisputeDto {
  @ApiProperty({ description: 'lời giải thích gửi người dân (qua kênh họ đã dùng)' })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(2000)
  text?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsInt() @Min(1)
  version?: number;
}
