import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, registerDecorator, type ValidationArguments } from 'class-validator';
import { IsOptionalNonNull } from '../../common/validators.js';

export const RULE_TARGET_REASON = 'cần đúng một trong hai: mã đơn vị (unitCode) hoặc toCommuneCommittee = true';

const isUnitCode = (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= 32;

/**
 * A rule names a unit or the commune's People's Committee: exactly one of the two. Checked even when unitCode is
 * absent, so that a rule with neither target names the field like every other bad field.
 */
function IsRuleTarget() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isRuleTarget',
      target: object.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) =>
          args.value !== undefined && args.value !== null && !isUnitCode(args.value) ? 'phải là mã đơn vị (chuỗi 1–32 ký tự)' : RULE_TARGET_REASON,
      },
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const toCommittee = (args?.object as { toCommuneCommittee?: unknown }).toCommuneCommittee === true;
          if (value === undefined || value === null) return toCommittee;
          return isUnitCode(value) && !toCommittee;
        },
      },
    });
}

export class CreateRoutingRuleDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(32)
  categoryCode: string;

  @ApiPropertyOptional({ nullable: true, description: 'bỏ trống: toàn tỉnh' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(10)
  areaCode?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'bỏ trống khi toCommuneCommittee = true' })
  @IsRuleTarget()
  unitCode?: string | null;

  @ApiPropertyOptional({ description: 'giao cho UBND xã, phường nơi phát sinh phản ánh' }) @IsOptionalNonNull() @IsBoolean()
  toCommuneCommittee?: boolean;
}
