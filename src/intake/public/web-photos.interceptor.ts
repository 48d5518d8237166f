import { Inject, Injectable, Optional, type CallHandler, type ExecutionContext, type NestInterceptor, type Type } from '@nestjs/common';
import { FilesInterceptor, type MulterModuleOptions } from '@nestjs/platform-express';
import { MULTER_MODULE_OPTIONS } from '@nestjs/platform-express/multer/files.constants.js';
import { EMPTY, finalize, type Observable } from 'rxjs';
import { Settings } from '../../../config/settings.js';
import { discardUploads, MAX_PHOTOS, PhotoRefusedError, WEB_PHOTO_FIELD } from './photo-storage.js';
import { translateUploadError } from './upload-errors.interceptor.js';

const REFUSED = Symbol('web-form-photos-refused');

/** The refusal of the web form's photos, when they were refused (see WebPhotosInterceptor). */
export function refusedPhotos(req: object): PhotoRefusedError | null {
  return (req as { [REFUSED]?: PhotoRefusedError })[REFUSED] ?? null;
}

/**
 * The web form's photos, taken exactly as the app's: Nest's FilesInterceptor with the module's multer options
 * (PhotoStorage: the same types decided by the first bytes, the same size and count limits, the same temporary
 * files). What differs is a refusal of the photos: the app gets it as an error, while a person filling the form
 * must get the form back with what they typed and the reason next to the photo field. So a PhotoRefusedError does
 * not end the request: the photos are dropped, the refusal is kept on the request (refusedPhotos(req)) and the
 * handler runs with the fields parsed before it (the form puts its file input last, so every text field comes
 * first). Any other multipart error ends the request as for the app. The temporary files are removed once the
 * answer is out, whatever it is (those of a report taken in are gone already).
 */
@Injectable()
export class WebPhotosInterceptor implements NestInterceptor {
  private readonly files: NestInterceptor;

  constructor(
    @Optional() @Inject(MULTER_MODULE_OPTIONS) options: MulterModuleOptions | undefined,
    private readonly settings: Settings,
  ) {
    const Files: Type<NestInterceptor> = FilesInterceptor(WEB_PHOTO_FIELD, MAX_PHOTOS);
    this.files = new Files(options ?? {});
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<{ files?: unknown }>();
    try {
      // parses the body and stores the photos; the handler is called below, not by it
      await this.files.intercept(ctx, { handle: () => EMPTY });
    } catch (e) {
      await discardUploads(req);
      const error = translateUploadError(e, this.settings.UPLOAD_MAX_BYTES);
      if (!(error instanceof PhotoRefusedError)) throw error;
      req.files = [];
      (req as { [REFUSED]?: PhotoRefusedError })[REFUSED] = error;
    }
    return next.handle().pipe(finalize(() => void discardUploads(req)));
  }
}
