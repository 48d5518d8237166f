import {
  ArgumentsHost, Body, Catch, Controller, Get, HttpException, HttpStatus, Logger, Post, Query, Req, Res, UploadedFiles, UseFilters, UseGuards,
  UseInterceptors, type ExceptionFilter,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/decorators.js';
import { AppError } from '../../common/errors.js';
import { normalizeVietnamesePhone } from '../../common/phone.js';
import { newTicketCode, normalizeTicketCode } from '../../tickets/ticket-code.js';
import { FORM_TOKEN_FIELD, FormTokens, type TrapVerdict } from './bot-trap.js';
import { Views } from '../../views/views.js';
import { HONEYPOT_FIELD } from './bot-trap.js';
import { PublicReportService, type FormChoices } from './public-report.service.js';
import { MAX_PHOTOS, sizeText, WEB_PHOTO_FIELD, type StoredPhoto } from './photo-storage.js';
import { PageView, PublicBodyLimitGuard, PublicRateLimitGuard } from './rate-limit.js';
import { checkReportForm, formValue, photoErrorText, reportFormValues, type FieldErrors, type ReportFormValues } from './web-form.js';
import { refusedPhotos, WebPhotosInterceptor } from './web-photos.interceptor.js';
import { Settings } from '../../../config/settings.js';
import { isServiceUnavailable, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from '../../common/http-exception.filter.js';

export const TRACK_NOT_FOUND_TEXT =
  'Không tìm thấy phản ánh với mã phản ánh và số điện thoại này. Vui lòng kiểm tra lại mã phản ánh và số điện thoại đã khai báo khi gửi.';

interface ReportFormModel {
  choices: FormChoices;
  values: ReportFormValues;
  errors: FieldErrors;
  token: string;
  notice?: string;
  /** Photos came with this submission and were not kept (the form comes back): the person must choose them again. */
  photosDropped?: boolean;
}

const FULL_CODE = /^PA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;


const TRAP_NOTICES: Record<Exclude<TrapVerdict, 'ok' | 'spam'>, string> = {
  too_fast: 'Vui lòng kiểm tra lại thông tin bên dưới rồi bấm “Gửi phản ánh” một lần nữa.',
  invalid: 'Trang đã được làm mới. Vui lòng kiểm tra lại thông tin bên dưới rồi bấm “Gửi phản ánh” một lần nữa.',
  expired: 'Trang đã mở quá lâu. Vui lòng kiểm tra lại thông tin bên dưới rồi bấm “Gửi phản ánh” một lần nữa.',
};

/** Errors on the public pages answer as a Vietnamese page, not JSON. */
@Catch()
export class PublicPageErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('PublicPages');

  constructor(private readonly views: Views) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    // the database away or stalled: the same 503 as the API and the staff pages, with when to try again
    if (isServiceUnavailable(exception)) {
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      return this.views.send(res, HttpStatus.SERVICE_UNAVAILABLE, 'public/message.njk',
        { title: 'Hệ thống tạm thời gián đoạn', message: `${SERVICE_UNAVAILABLE_MESSAGE} Nếu cần gấp, hãy gọi Tổng đài 1022.` });
    }
    const status = exception instanceof AppError ? exception.status : exception instanceof HttpException ? exception.getStatus() : 500;
    let title = 'Có lỗi xảy ra';
    let message = exception instanceof AppError ? exception.message : 'Yêu cầu không hợp lệ.';
    if (status === HttpStatus.TOO_MANY_REQUESTS) title = 'Bạn đã gửi quá nhiều yêu cầu';
    else if (status === HttpStatus.PAYLOAD_TOO_LARGE) title = 'Dữ liệu gửi lên quá lớn';
    else if (status === HttpStatus.NOT_FOUND) {
      title = 'Không tìm thấy trang';
      message = 'Không tìm thấy trang được yêu cầu.';
    } else if (status >= 500) {
      this.logger.error((exception as Error)?.message ?? String(exception), (exception as Error)?.stack);
      message = 'Đã có lỗi hệ thống, vui lòng thử lại sau ít phút. Nếu cần gấp, hãy gọi Tổng đài 1022.';
    }
    this.views.send(res, status, 'public/message.njk', { title, message });
  }
}

/**
 * The public web form (channel `web`) and the tracking page: server-rendered, usable without JavaScript and on a
 * phone. Protected by the per-client rate limit, the body limit, and the bot trap (see bot-trap.ts).
 */
@ApiExcludeController()
@Public()
@UseGuards(PublicRateLimitGuard, PublicBodyLimitGuard)
@UseFilters(PublicPageErrorFilter)
@Controller()
export class PublicPagesController {
  constructor(
    private readonly reports: PublicReportService,
    private readonly tokens: FormTokens,
    private readonly views: Views,
    private readonly settings: Settings,
  ) {}

  /** The web form's view model: the values and errors, the bot trap's and the photos' fields, the number of errors. */
  private formModel(m: ReportFormModel) {
    return {
      ...m,
      errorCount: Object.values(m.errors).filter(Boolean).length,
      honeypotField: HONEYPOT_FIELD,
      tokenField: FORM_TOKEN_FIELD,
      acceptsPhotos: true,
      photoField: WEB_PHOTO_FIELD,
      maxPhotos: MAX_PHOTOS,
      maxPhotoSize: sizeText(this.settings.UPLOAD_MAX_BYTES),
    };
  }

  @Get('gui-phan-anh')
  @PageView()
  async form(@Res() res: Response): Promise<void> {
    const choices = await this.reports.formChoices();
    this.views.send(res, 200, 'public/report-form.njk', this.formModel({ choices, values: {}, errors: {}, token: this.tokens.issue() }));
  }

  /**
   * A submission of the form: multipart/form-data with up to MAX_PHOTOS photos in `photos`, taken as the app's are
   * (WebPhotosInterceptor); a refused photo comes back as that field's error, with everything typed kept.
   */
  @Post('gui-phan-anh')
  @UseInterceptors(WebPhotosInterceptor)
  async submit(
    @Body() body: Record<string, unknown>,
    @UploadedFiles() files: StoredPhoto[] | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const verdict = this.tokens.judge(body ?? {});
    // spam is answered like a success, with a code that exists nowhere; nothing is created (nor kept)
    if (verdict === 'spam') return res.redirect(303, `/gui-phan-anh/da-gui?ma=${newTicketCode()}`);
    const values = reportFormValues(body);
    const choices = await this.reports.formChoices();
    // a person who corrects a field need not wait again: the first render's token is kept while it is valid
    const given = formValue(body, FORM_TOKEN_FIELD);
    const token = verdict === 'ok' || verdict === 'too_fast' ? given : this.tokens.issue();
    const photos = files ?? [];
    const refused = refusedPhotos(req);
    // the photos of a form sent back are not kept (a browser cannot fill a file input in again): say so
    const again = (status: number, errors: FieldErrors, notice?: string) =>
      this.views.send(res, status, 'public/report-form.njk',
        this.formModel({ choices, values, errors, token, notice, photosDropped: photos.length > 0 && !errors[WEB_PHOTO_FIELD] }));
    const photoErrors: FieldErrors = refused ? { [WEB_PHOTO_FIELD]: photoErrorText(refused, this.settings.UPLOAD_MAX_BYTES) } : {};
    if (verdict !== 'ok') return again(400, photoErrors, TRAP_NOTICES[verdict]);

    const { errors, input } = checkReportForm(values, choices);
    if (!input || refused) return again(refused ? (refused.status as number) : 400, { ...errors, ...photoErrors });
    let code: string;
    try {
      // the rendering's token names this filled-in form: a double click, or the same form sent again, makes no second ticket
      ({ code } = await this.reports.create('web', input, photos, this.tokens.idempotencyKey(given)));
    } catch (e) {
      const problems = e instanceof AppError ? (e.details?.errors as Array<{ field: string; reason: string }> | undefined) : undefined;
      if (!problems?.length) throw e;
      const formField = (f: string) => (f === 'reporterPhone' ? 'phone' : f === 'reporterEmail' ? 'email' : f);
      return again(400, Object.fromEntries(problems.map((p) => [formField(p.field), `Không hợp lệ: ${p.reason}.`])));
    }
    // Post/Redirect/Get: reloading the confirmation does not send the report twice; a repeated submission of the same
    // rendering is sent to the same confirmation, with the first submission's code
    res.redirect(303, `/gui-phan-anh/da-gui?ma=${encodeURIComponent(code)}`);
  }

  /** The confirmation shows the code from the address and reads nothing from the database. */
  @Get('gui-phan-anh/da-gui')
  @PageView()
  sent(@Query('ma') code: unknown, @Res() res: Response): void {
    const c = typeof code === 'string' ? normalizeTicketCode(code) : '';
    if (!FULL_CODE.test(c)) return res.redirect(303, '/gui-phan-anh');
    this.views.send(res, 200, 'public/report-sent.njk', { code: c });
  }

  @Get('tra-cuu')
  @PageView()
  trackForm(@Query('ma') code: unknown, @Res() res: Response): void {
    const c = typeof code === 'string' ? code.slice(0, 40) : '';
    this.views.send(res, 200, 'public/track-form.njk', { values: { code: c }, errors: {} });
  }

  /** POST, so that the phone number stays out of addresses, logs and the browser history. */
  @Post('tra-cuu')
  async track(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values = { code: formValue(body, 'code').trim(), phone: formValue(body, 'phone').trim() };
    const errors: FieldErrors = {};
    if (!values.code) errors.code = 'Vui lòng nhập mã phản ánh.';
    else if (!FULL_CODE.test(normalizeTicketCode(values.code))) errors.code = 'Mã phản ánh có dạng PA-XXXX-XXXX, ví dụ PA-7K3M-9QXZ.';
    if (!values.phone) errors.phone = 'Vui lòng nhập số điện thoại đã khai báo khi gửi phản ánh.';
    else if (!normalizeVietnamesePhone(values.phone)) errors.phone = 'Số điện thoại không hợp lệ, ví dụ 0912 345 678.';
    if (Object.keys(errors).length) return this.views.send(res, 400, 'public/track-form.njk', { values, errors });
    try {
      const view = await this.reports.track(values.code, values.phone);
      this.views.send(res, 200, 'public/track-result.njk', { view });
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== HttpStatus.NOT_FOUND) throw e;
      this.views.send(res, 404, 'public/track-form.njk', { values, errors: {}, notFound: true, notFoundText: TRACK_NOT_FOUND_TEXT });
    }
  }
}

