import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Settings } from '../../../config/settings.js';
import { DeliveryService } from '../../notifications/delivery.service.js';
import { chatChannels } from './chat-config.js';
import { FacebookSender } from './facebook.sender.js';
import { ZaloSender } from './zalo.sender.js';

/** Plugs the senders of the switched-on chat channels into the outbox delivery, and says which channels are on. */
@Injectable()
export class ChatSenders implements OnModuleInit {
  private readonly logger = new Logger('ChatChannels');

  constructor(
    private readonly settings: Settings,
    private readonly delivery: DeliveryService,
    private readonly facebook: FacebookSender,
    private readonly zalo: ZaloSender,
  ) {}

  onModuleInit(): void {
    const channels = chatChannels(this.settings);
    for (const [name, label, sender] of [['facebook', 'Facebook Messenger', this.facebook], ['zalo', 'Zalo OA', this.zalo]] as const) {
      const sw = channels[name];
      if (sw.enabled) {
        this.delivery.register(name, sender);
        this.logger.log(`${label}: on`);
      } else if (sw.missing.length < 3) {
        this.logger.warn(`${label}: off, partly configured (unset: ${sw.missing.join(', ')})`);
      } else {
        this.logger.log(`${label}: off`);
      }
    }
    if (channels.zalo.enabled && (!this.settings.ZALO_ACCESS_TOKEN || !this.settings.ZALO_REFRESH_TOKEN)) {
      this.logger.log('Zalo OA: ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN unset; replies use the tokens stored in channel_tokens');
    }
  }
}
