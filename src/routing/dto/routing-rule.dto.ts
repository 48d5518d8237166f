import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class CreateRoutingRuleDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(32)
  categoryCode: string;

  @ApiPropertyOptional({ nullable: true, description: 'bỏ trống: toàn tỉnh' }) @IsOptional() @IsString() @MaxLength(10)
  areaCode?: string | null;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(32)
  unitCode?: string | null;

  @ApiPropertyOptional({ description: 'giao cho UBND xã, phường nơi phát sinh phản ánh' }) @IsOptional() @IsBoolean()
  toCommuneCommittee?: boolean;
}
