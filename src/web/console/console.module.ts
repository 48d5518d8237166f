import { Module } from '@nestjs/common';

/** The operator's console (/tong-dai): log a call or a walk-in while the caller waits. */
@Module({})
export class ConsoleModule {}
