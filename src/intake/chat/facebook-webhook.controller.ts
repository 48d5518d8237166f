import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, HttpCode, HttpStatus, Logger, Post, Query, Req, Res, type RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Settings } from '../../../config/settings.js';
import { Public } from '../../common/decorators.js';
import { AppError, forbidden } from '../../common/errors.js';
import { parseFacebookWebhook } from '../channels/facebook-event.js';
import { verifyFacebookSignature } from '../channels/facebook-signature.js';
import { WebhookShapeError } from '../channels/webhook-shape.error.js';
import type { NormalizedComplaint } from '../normalized-complaint.js';
import { chatChannels } from './chat-config.js';
import { ChatIntakeService, type ChatOutcome } from './chat-intake.service.js';
import { badShape, channelOff, signatureInvalid, signatureMissing } from './webhook-errors.js';

const HEADER = 'X-Hub-Signature-256';

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/**
 * Messenger webhooks of the page(s). Meta batches several entries and messaging items in one POST, delivers at
 * least once and redelivers the whole POST until it gets a 200. So every citizen message of the batch is taken in its
 * own transaction, in order: a failure of one does not undo the others, and when a failure is transient the answer is
 * 503, Meta redelivers the batch, the messages already stored are recognised by their mid and only the failed one is
 * taken again.
 */
@ApiExcludeController()
@Public()
@Controller('webhooks/facebook')
export class FacebookWebhookController {
  private readonly logger = new Logger('FacebookWebhook');
  private readonly enabled: boolean;

  constructor(private readonly settings: Settings, private readonly chat: ChatIntakeService) {
    this.enabled = chatChannels(settings).facebook.enabled;
  }

  /** Subscription check: echo hub.challenge as plain text when the verify token matches, else 403. */
  @Get()
  verify(
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') token: unknown,
    @Query('hub.challenge') challenge: unknown,
    @Res() res: Response,
  ): void {
    if (!this.enabled) throw channelOff();
    if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || !sameSecret(token, this.settings.FACEBOOK_VERIFY_TOKEN!)) {
      throw forbidden('Mã xác minh webhook không đúng.');
    }
    res.status(200).type('text/plain').send(challenge);
  }

  @Post()
  @HttpCode(200)
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('x-hub-signature-256') signature: string | undefined) {
    if (!this.enabled) throw channelOff();
    if (typeof signature !== 'string' || signature.trim() === '') throw signatureMissing(HEADER);
    if (!verifyFacebookSignature(req.rawBody ?? Buffer.alloc(0), signature, this.settings.FACEBOOK_APP_SECRET!)) {
      throw signatureInvalid(HEADER, HttpStatus.FORBIDDEN);
    }
    let complaints: NormalizedComplaint[];
    try {
      complaints = parseFacebookWebhook(req.body);
    } catch (e) {
      if (e instanceof WebhookShapeError) throw badShape(e);
      throw e;
    }

    const counts: Record<ChatOutcome, number> = { created: 0, appended: 0, duplicate: 0, rejected: 0 };
    let failed = 0;
    for (const complaint of complaints) {
      try {
        counts[await this.chat.receive(complaint)]++;
      } catch (e) {
        failed++;
        this.logger.error(`message ${complaint.externalId} from ${complaint.senderId} not stored, Meta will redeliver the batch: ${(e as Error).message}`);
      }
    }
    if (failed) {
      throw new AppError(HttpStatus.SERVICE_UNAVAILABLE, 'RETRY_LATER', 'Một số tin nhắn chưa lưu được, vui lòng gửi lại sau.', { ...counts, failed });
    }
    return { messages: complaints.length, ...counts };
  }
}
