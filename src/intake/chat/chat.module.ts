import { Module } from '@nestjs/common';
import { NotificationsModule } from '../../notifications/notifications.module.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { IntakeModule } from '../intake.module.js';
import { ChatIntakeService } from './chat-intake.service.js';
import { ChatSenders } from './chat-senders.js';
import { FacebookWebhookController } from './facebook-webhook.controller.js';
import { FacebookSender } from './facebook.sender.js';
import { ZaloTokenStore } from './zalo-token.store.js';
import { ZaloWebhookController } from './zalo-webhook.controller.js';
import { ZaloSender } from './zalo.sender.js';

/** Zalo OA and Facebook Messenger: webhooks and replies. */
@Module({
  imports: [NotificationsModule, TicketsModule, IntakeModule],
  controllers: [ZaloWebhookController, FacebookWebhookController],
  providers: [ChatIntakeService, FacebookSender, ZaloTokenStore, ZaloSender, ChatSenders],
})
export class ChatChannelsModule {}
