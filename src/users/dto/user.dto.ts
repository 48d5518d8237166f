import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validators.js';
import { ROLES, type Role } from '../user.entity.js';

export class CreateUserDto {
  @ApiProperty() @IsString() @Matches(/^[a-z0-9._-]{3,64}$/, { message: 'chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (3–64 ký tự)' })
  username: string;

  @ApiProperty() @IsString() @MinLength(8) @MaxLength(200)
  password: string;

  @ApiProperty({ enum: ROLES }) @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsString() @IsNotEmpty()
  unitCode?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsString() @MaxLength(120)
  fullName?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptionalNonNull() @IsString() @MinLength(8) @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({ enum: ROLES }) @IsOptionalNonNull() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString()
  unitCode?: string | null;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsString() @MaxLength(120)
  fullName?: string;

  @ApiPropertyOptional() @IsOptionalNonNull() @IsBoolean()
  active?: boolean;
}
