import { HttpException, HttpStatus, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, finalize, from, mergeMap, throwError, type Observable } from 'rxjs';
import { Settings } from '../../../config/settings.js';
import { AppError, badRequest } from '../../common/errors.js';
import { discardUploads, isPhotoField, PHOTO_FIELD, photoTooLargeError, tooManyPhotosError } from './photo-storage.js';

interface MulterCause {
  code?: string;
  field?: string;
  filename?: string;
}

/**
 * Wraps FilesInterceptor: whatever refuses the request (a multer limit, a photo of the wrong type, the validation
 * pipe, the service), the temporary files of the request are removed before the answer goes out, and multer's
 * English errors become Vietnamese ones that name the field.
 */
@Injectable()
export class UploadErrorsInterceptor implements NestInterceptor {
  constructor(private readonly settings: Settings) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<object>();
    return next.handle().pipe(
      catchError((e: unknown) => from(discardUploads(req)).pipe(mergeMap(() => throwError(() => translateUploadError(e, this.settings.UPLOAD_MAX_BYTES))))),
      // on success the service has kept every file in the store and removed it; this only sweeps what an interruption left
      finalize(() => void discardUploads(req)),
    );
  }
}

/**
 * multer's errors (and the photo checks' own) as the application's: Vietnamese, naming the field. A refusal of the
 * photos themselves is a PhotoRefusedError (the web form tells it next to its photo field); any other error is left
 * as it is.
 */
export function translateUploadError(e: unknown, maxBytes: number): unknown {
  if (!(e instanceof HttpException)) return e;
  const cause = (e.cause ?? {}) as MulterCause;
  const field = cause.field ?? PHOTO_FIELD;
  switch (cause.code) {
    case 'LIMIT_FILE_SIZE':
      return photoTooLargeError(field, cause.filename ?? '', maxBytes);
    case 'LIMIT_FILE_COUNT':
      return tooManyPhotosError(isPhotoField(cause.field) ? field : PHOTO_FIELD);
    case 'LIMIT_UNEXPECTED_FILE':
      return isPhotoField(field)
        ? tooManyPhotosError(field)
        : badRequest([{ field, reason: `không nhận tệp ở trường này; ảnh gửi trong trường "${PHOTO_FIELD}"` }]);
    case 'LIMIT_FIELD_VALUE':
      return badRequest([{ field, reason: 'quá dài' }]);
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_NESTING':
    case 'LIMIT_FIELD_ARRAY_INDEX':
    case 'INVALID_FIELD_NAME':
    case 'MISSING_FIELD_NAME':
      return badRequest([{ field: cause.field ?? '(multipart)', reason: 'có quá nhiều trường hoặc tên trường không hợp lệ' }]);
  }
  if (e.getStatus() === HttpStatus.BAD_REQUEST && /multipart|boundary/i.test(e.message)) {
    return new AppError(HttpStatus.BAD_REQUEST, 'BAD_MULTIPART', 'Dữ liệu multipart/form-data gửi lên không hợp lệ.');
  }
  return e;
}
