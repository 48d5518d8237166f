import { Controller, Headers, HttpCode, HttpStatus, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Settings } from '../../../config/settings.js';
import { Public } from '../../common/decorators.js';
import { Clock } from '../../common/clock.js';
import { WebhookShapeError } from '../channels/webhook-shape.error.js';
import { parseZaloWebhook } from '../channels/zalo-event.js';
import { verifyZaloSignature } from '../channels/zalo-signature.js';
import { chatChannels } from './chat-config.js';
import { ChatIntakeService, type ChatOutcome } from './chat-intake.service.js';
import { badShape, channelOff, signatureInvalid, signatureMissing } from './webhook-errors.js';

const HEADER = 'X-ZEvent-Signature';

/**
 * Zalo Official Account events (one event per POST). The signature is checked over the raw bytes before anything is
 * read from the body; then a citizen's message goes to the intake, and every other event (echoes of the OA's own
 * messages, received/seen receipts, follow/unfollow) is acknowledged and ignored.
 */
@ApiExcludeController()
@Public()
@Controller('webhooks/zalo')
export class ZaloWebhookController {
  private readonly enabled: boolean;

  constructor(private readonly settings: Settings, private readonly clock: Clock, private readonly chat: ChatIntakeService) {
    this.enabled = chatChannels(settings).zalo.enabled;
  }

  @Post()
  @HttpCode(200)
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('x-zevent-signature') signature: string | undefined): Promise<{ status: ChatOutcome | 'ignored' }> {
    if (!this.enabled) throw channelOff();
    const check = verifyZaloSignature(req.rawBody ?? Buffer.alloc(0), signature, {
      appId: this.settings.ZALO_APP_ID!,
      oaSecretKey: this.settings.ZALO_OA_SECRET_KEY!,
      now: this.clock.now(),
    });
    if (!check.ok) {
      if (check.reason === 'missing') throw signatureMissing(HEADER);
      throw signatureInvalid(HEADER, HttpStatus.UNAUTHORIZED, check.reason === 'stale' ? 'đã quá hạn (sự kiện cũ hơn 5 phút)' : 'không đúng');
    }
    let complaint;
    try {
      complaint = parseZaloWebhook(req.body);
    } catch (e) {
      if (e instanceof WebhookShapeError) throw badShape(e);
      throw e;
    }
    if (!complaint) return { status: 'ignored' };
    return { status: await this.chat.receive(complaint) };
  }
}
