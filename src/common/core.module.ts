import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Settings } from '../../config/settings.js';
import { AppRedis } from './app-redis.js';
import { Clock, SystemClock } from './clock.js';

/**
 * Settings, the clock and the application's one Redis client (AppRedis), available everywhere. Tests replace the
 * clock with a FixedClock.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: Settings, useValue: settings }, { provide: Clock, useClass: SystemClock }, AppRedis],
      exports: [Settings, Clock, AppRedis],
    };
  }
}
