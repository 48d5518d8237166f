import { Logger, Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { Settings } from '../../../config/settings.js';
import { AttachmentsModule } from '../../attachments/attachments.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { IntakeModule } from '../intake.module.js';
import { ViewsModule } from '../../views/views.module.js';
import { FormTokens } from './bot-trap.js';
import { photoMulterOptions, PhotoStorage } from './photo-storage.js';
import { PublicApiController } from './public-api.controller.js';
import { FeedbackPagesController } from './feedback-pages.controller.js';
import { PublicPageErrorFilter, PublicPagesController } from './public-pages.controller.js';
import { PublicReportService } from './public-report.service.js';
import { PublicBodyLimitGuard, PublicRateLimitGuard, PublicRateLimiter } from './rate-limit.js';
import { UploadErrorsInterceptor } from './upload-errors.interceptor.js';

/** Citizen app API, public web form and tracking pages. */
@Module({
  imports: [
    TicketsModule,
    IntakeModule,
    ViewsModule,
    AttachmentsModule,
    // the photos' temporary files and limits come from the settings (UPLOAD_DIR, UPLOAD_MAX_BYTES)
    MulterModule.registerAsync({
      useFactory: (settings: Settings) => {
        const options = photoMulterOptions(settings.UPLOAD_DIR, settings.UPLOAD_MAX_BYTES);
        const storage = options.storage as PhotoStorage;
        // what an interrupted upload left in UPLOAD_DIR/.incoming goes, in the background (start-up does not wait)
        storage.sweep().then(
          (n) => n && new Logger('PublicIntake').log(`removed ${n} abandoned upload(s) from ${storage.incomingDir}`),
          () => undefined,
        );
        return options;
      },
      inject: [Settings],
    }),
  ],
  controllers: [PublicApiController, PublicPagesController, FeedbackPagesController],
  providers: [
    PublicReportService, FormTokens, PublicRateLimiter, PublicRateLimitGuard, PublicBodyLimitGuard, UploadErrorsInterceptor,
    PublicPageErrorFilter,
  ],
  // the citizen app's intake and rate limit, for Open311 (src/open311), which takes requests in the same way
  exports: [PublicReportService, PublicRateLimiter, PublicRateLimitGuard],
})
export class PublicIntakeModule {}
