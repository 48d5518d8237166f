import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/decorators.js';
import { badRequest } from '../../common/errors.js';
import { MAX_PHOTOS, PHOTO_FIELD, type StoredPhoto } from './photo-storage.js';
import { AppInstallDto, PublicReportDto } from './public.dto.js';
import { PublicReportService, type PublicTicketView } from './public-report.service.js';
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

  @Post('reports')
  @ApiConsumes('application/json', 'multipart/form-data')
  @UseInterceptors(UploadErrorsInterceptor, FilesInterceptor(PHOTO_FIELD, MAX_PHOTOS))
  async create(@Body() dto: PublicReportDto, @UploadedFiles() files: StoredPhoto[] | undefined): Promise<{ code: string }> {
    const code = await this.reports.create('app', {
      fullName: dto.fullName, phone: dto.phone, email: dto.email, areaCode: dto.areaCode, address: dto.address,
      categoryCode: dto.categoryCode, content: dto.content,
    }, files ?? []);
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
