import { Module } from '@nestjs/common';

/** Published answers (hỏi đáp): a resolved ticket's question and answer, redacted for the public. */
@Module({})
export class AnswersModule {}
