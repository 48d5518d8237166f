import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Settings } from '../config/settings.js';
import { AuthModule } from './auth/auth.module.js';
import { CoreModule } from './common/core.module.js';
import { databaseTimeouts, dataSourceOptions } from './database/data-source.js';
import { DirectoryModule } from './directory/directory.module.js';
import { RoutingModule } from './routing/routing.module.js';
import { HealthModule } from './health/health.module.js';
import { NotificationsModule, NotificationsWorkersModule } from './notifications/notifications.module.js';
import { CallsModule } from './intake/calls/calls.module.js';
import { ChatChannelsModule } from './intake/chat/chat.module.js';
import { MailIntakeModule } from './intake/mail/mail.module.js';
import { PublicIntakeModule } from './intake/public/public.module.js';
import { ReportsModule, ReportsWorkersModule } from './reports/reports.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { SlaModule, SlaWorkersModule } from './sla/sla.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { DemoModule } from './demo/demo.module.js';
import { WebModule } from './web/web.module.js';
import { Open311Module } from './open311/open311.module.js';
import { AnswersModule } from './answers/answers.module.js';

export interface AppOptions {
  settings: Settings;
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ settings, databaseUrl }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(settings),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl, {}, databaseTimeouts(settings))),
        BullModule.forRoot({ redis: settings.REDIS_URL, prefix: settings.QUEUE_PREFIX }),
        NotificationsModule,
        SlaModule,
        ReportsModule,
        // the repeating jobs' workers and schedules, on an instance that runs them
        ...(settings.WORKERS_ENABLED ? [NotificationsWorkersModule, SlaWorkersModule, ReportsWorkersModule] : []),
        SchedulerModule,
        AuthModule,
        DirectoryModule,
        RoutingModule,
        HealthModule,
        TicketsModule,
        AttachmentsModule,
        DemoModule,
        ChatChannelsModule,
        PublicIntakeModule,
        MailIntakeModule,
        CallsModule,
        WebModule,
        Open311Module,
        AnswersModule,
      ],
    };
  }
}
