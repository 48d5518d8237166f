import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength, registerDecorator } from 'class-validator';
import { IsVietnamesePhone, trim } from '../../common/validators.js';
import { MAX_PHOTOS, PHOTO_FIELD } from './photo-storage.js';

/** Trimmed; an empty field (as multipart and HTML forms send an unfilled one) counts as absent. */
const optionalText = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  return v === '' ? undefined : v;
};

/** `attachments` in a JSON body: photos travel as files (multipart/form-data), so only an empty list is accepted. */
function NoInlineAttachments() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'noInlineAttachments',
      target: object.constructor,
      propertyName,
      options: { message: `ảnh phải gửi dạng tệp trong trường "${PHOTO_FIELD}" của multipart/form-data (tối đa ${MAX_PHOTOS} ảnh JPEG, PNG, WebP hoặc HEIC)` },
      validator: { validate: (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0) },
    });
}

/** The longest content a complaint may have, and the shortest the web form takes. */
export const CONTENT_MAX = 5000;
export const WEB_CONTENT_MIN = 10;

/**
 * A citizen's complaint as the citizen app and the web form both send it: the same fields with the same rules. What
 * one of them asks for besides is declared in its own class below (PublicReportDto, WebReportDto).
 */
abstract class CitizenComplaintDto {
  @ApiProperty({ example: 'Nguyễn Văn An' }) @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(120)
  fullName: string;

  @ApiPropertyOptional({ example: 'an.nguyen@example.com' }) @Transform(optionalText) @IsOptional() @IsEmail() @MaxLength(254)
  email?: string;

  @ApiPropertyOptional() @Transform(optionalText) @IsOptional() @IsString() @MaxLength(300)
  address?: string;

  @ApiPropertyOptional({ example: 'AN-SINH' }) @Transform(optionalText) @IsOptional() @IsString() @MaxLength(32)
  categoryCode?: string;
}

/** A report from the citizen app (App công dân 1022): JSON, or multipart/form-data with photos in `attachments`. */
export class PublicReportDto extends CitizenComplaintDto {
  @ApiPropertyOptional({ example: '0912345678', description: 'số điện thoại hoặc e-mail: ít nhất một trong hai' })
  @Transform(optionalText) @IsOptional() @IsVietnamesePhone()
  phone?: string;

  @ApiPropertyOptional({ example: '29401', description: 'mã GSO của xã, phường, thị trấn' }) @Transform(optionalText) @IsOptional() @IsString() @MaxLength(10)
  areaCode?: string;

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(CONTENT_MAX)
  content: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'binary' }, description: `multipart/form-data: tối đa ${MAX_PHOTOS} ảnh` })
  @NoInlineAttachments()
  attachments?: unknown;
}

/**
 * The web form's report (/gui-phan-anh): the app's complaint, and what the form asks for besides: a phone number
 * (the tracking page asks for it), the commune (chosen from the form's list, which the form checks), and a content
 * long enough to act on (at least WEB_CONTENT_MIN characters).
 */
export class WebReportDto extends CitizenComplaintDto {
  @Transform(optionalText) @IsNotEmpty() @IsVietnamesePhone()
  phone: string;

  @Transform(optionalText) @IsNotEmpty() @IsString() @MaxLength(10)
  areaCode: string;

  @Transform(trim) @IsString() @IsNotEmpty() @MinLength(WEB_CONTENT_MIN) @MaxLength(CONTENT_MAX)
  content: string;
}

export class AppInstallDto {
  @ApiProperty({ enum: ['android', 'ios'] }) @IsIn(['android', 'ios'])
  platform: 'android' | 'ios';

  @ApiProperty({ example: '8c1e0f0e-5b7a-4a63-9d1e-2f6f3c1c9b10' })
  @IsString() @Matches(/^[A-Za-z0-9._:-]{8,128}$/, { message: 'gồm 8 đến 128 ký tự chữ, số hoặc . _ : -' })
  installationId: string;
}
