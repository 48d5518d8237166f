import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min,
} from 'class-validator';
import { IsOptionalNonNull } from '../../common/validators.js';
import { UNIT_LEVELS, type UnitLevel } from '../unit.entity.js';

const CODE = /^[A-Za-z0-9._-]{1,32}$/;
const CODE_MSG = { message: 'chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang (tối đa 32 ký tự)' };
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class AreaQueryDto {
  @ApiPropertyOptional({ description: 'mã khu vực cha; bỏ trống: cấp tỉnh' })
  @IsOptional() @IsString() @MaxLength(10)
  parentCode?: string;
}

export class UnitQueryDto {
  @ApiPropertyOptional({ enum: UNIT_LEVELS }) @IsOptional() @IsIn(UNIT_LEVELS)
  level?: UnitLevel;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32)
  parentCode?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false'])
  active?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'tìm theo tên, không phân biệt dấu' }) @IsOptional() @IsString() @MaxLength(100)
  q?: string;
}

export class CreateUnitDto {
  @ApiProperty() @IsString() @Matches(CODE, CODE_MSG)
  code: string;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ enum: UNIT_LEVELS }) @IsIn(UNIT_LEVELS)
  level: UnitLevel;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty()
  parentCode?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty()
  areaCode?: string | null;

  @ApiPropertyOptional({ type: [String] }) @IsOptionalNonNull() @IsArray() @ArrayMaxSize(20) @IsEmail({}, { each: true })
  emails?: string[];

  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean()
  active?: boolean;
}

export class UpdateUnitDto {
  @ApiPropertyOptional() @IsOptionalNonNull() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: UNIT_LEVELS }) @IsOptionalNonNull() @IsIn(UNIT_LEVELS)
  level?: UnitLevel;

  @ApiPropertyOptional({ nullable: true, description: 'null: không có đơn vị cấp trên' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(32)
  parentCode?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'null: không gắn khu vực' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(10)
  areaCode?: string | null;

  @ApiPropertyOptional({ type: [String] }) @IsOptionalNonNull() @IsArray() @ArrayMaxSize(20) @IsEmail({}, { each: true })
  emails?: string[];

  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean()
  active?: boolean;
}

export class MergeUnitDto {
  @ApiProperty({ description: 'mã đơn vị tiếp nhận sau sáp nhập' }) @IsString() @IsNotEmpty()
  intoCode: string;
}

export class CreateCategoryDto {
  @ApiProperty() @IsString() @Matches(CODE, CODE_MSG)
  code: string;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty() @IsInt() @Min(1) @Max(8760)
  deadlineHours: number;

  @ApiPropertyOptional({ enum: ['working', 'clock'], description: 'giờ hành chính (mặc định) hoặc giờ liên tục (mặc định khi khẩn cấp)' })
  @IsOptionalNonNull() @IsIn(['working', 'clock'])
  deadlineMode?: 'working' | 'clock';

  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean()
  urgent?: boolean;
}

export class UpdateCategoryDto {
  @ApiPropertyOptional() @IsOptionalNonNull() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsInt() @Min(1) @Max(8760)
  deadlineHours?: number;

  @ApiPropertyOptional({ enum: ['working', 'clock'] }) @IsOptionalNonNull() @IsIn(['working', 'clock'])
  deadlineMode?: 'working' | 'clock';

  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean()
  urgent?: boolean;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean()
  active?: boolean;
}
