import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { ApiBadRequestResponse, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { badRequest } from '../../common/errors.js';
import { MAX_PHOTOS, PHOTO_FIELD, type StoredPhoto } from './photo-storage.js';
import { AppInstallDto, PublicReportDto } from './public.dto.js';
import { IDEMPOTENCY_KEY_PATTERN, PublicReportService, type PublicTicketView } from './public-report.service.js';
import { PublicBodyLimitGuard, PublicRateLimitGuard } from './rate-limit.js';
import { UploadErrorsInterceptor } from './upload-errors.interceptor.js';

/**
 * The citizen app's API (App công dân 1022, channel `app`): no token; rate-limited per client; small bodies.
 * Photos come as multipart/form-data (see PhotoStorage for the checks and where they go).
 */
@ApiTags('public')
@Public()
@UseGuards(PublicRateLimitGuard, PublicBodyLimitGuard)
@Controller('api/public')
export class PublicApiController {
  constructor(private readonly reports: PublicReportService) {}

  /**
   * Sends a report. `Idempotency-Key` (optional, recommended): a value the app makes once per report (a UUID, say:
   * 8 to 128 characters A-Z, a-z, 0-9, "_", "-") and sends again, unchanged, with every retry of that report, e.g.
   * after a timeout on a weak connection. The first request with a key creates the ticket (201 `{code}`); any later
   * one with the same key, even while the first is still running, creates nothing, sends no second
   * acknowledgement, keeps none of its photos and answers 200 with the same `{code}`. A key is never reused for
   * another report. Without the header every request is a new report; a malformed key is 400 naming the header.
   */
  @Post('reports')
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, minLength: 8, maxLength: 128 },
    description:
      'Khóa chống gửi trùng, do ứng dụng tạo một lần cho mỗi phản ánh (ví dụ UUID: 8–128 ký tự chữ, số, "_" hoặc "-") '
      + 'và gửi lại y nguyên khi gửi lại phản ánh đó (sau khi hết thời gian chờ, mất kết nối…). Lần đầu tạo phản ánh (201); '
      + 'các lần sau với cùng khóa không tạo gì mới, không gửi lại thông báo tiếp nhận, không lưu ảnh gửi kèm và trả 200 '
      + 'với cùng mã phản ánh. Khóa sai định dạng: 400.',
  })
  @ApiCreatedResponse({ description: 'Đã tạo phản ánh: `{ code }`.' })
  @ApiOkResponse({ description: 'Yêu cầu lặp lại với một Idempotency-Key đã dùng: không tạo gì mới, trả lại `{ code }` của lần đầu.' })
  @ApiBadRequestResponse({ description: 'Dữ liệu không hợp lệ, hoặc Idempotency-Key sai định dạng.' })
  @UseInterceptors(UploadErrorsInterceptor, FilesInterceptor(PHOTO_FIELD, MAX_PHOTOS))
  async create(
    @Body() dto: PublicReportDto,
    @UploadedFiles() files: StoredPhoto[] | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ code: string }> {
    // present but malformed (empty, too short or long, other characters, the header sent twice) is refused, not ignored
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw badRequest(
        [{ field: 'Idempotency-Key', reason: 'phải gồm 8 đến 128 ký tự chữ (không dấu), số, "_" hoặc "-"' }],
        'Tiêu đề Idempotency-Key không hợp lệ.',
      );
    }
    const { code, created } = await this.reports.create('app', {
      fullName: dto.fullName, phone: dto.phone, email: dto.email, areaCode: dto.areaCode, address: dto.address,
      categoryCode: dto.categoryCode, content: dto.content,
    }, files ?? [], idempotencyKey ?? null);
    if (!created) res.status(HttpStatus.OK);
    return { code };
  }

  /** A wrong phone answers exactly like an unknown code (404, same body). */
  @Get('reports/:code')
  track(@Param('code') code: string, @Query('phone') phone: unknown): Promise<PublicTicketView> {
    if (phone === undefined || phone === '') throw badRequest([{ field: 'phone', reason: 'là bắt buộc: số điện thoại đã khai báo khi gửi phản ánh' }]);
    return this.reports.track(code, typeof phone === 'string' ? phone : undefined);
  }

  /** 201 the first time an installation registers, 200 (and nothing new) afterwards. */
  @Post('app-installs')
  @HttpCode(HttpStatus.CREATED)
  async registerInstall(@Body() dto: AppInstallDto, @Res({ passthrough: true }) res: Response) {
    const created = await this.reports.registerInstall(dto.platform, dto.installationId);
    if (!created) res.status(HttpStatus.OK);
    return { installationId: dto.installationId, created };
  }
}
