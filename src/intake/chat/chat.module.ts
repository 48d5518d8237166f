import { Module } from '@nestjs/common';
import { TicketsModule } from '../../tickets/tickets.module.js';

/** Zalo OA and Facebook Messenger: webhooks and replies. */
@Module({
  imports: [TicketsModule],
  controllers: [],
  providers: [],
})
export class ChatChannelsModule {}
