import { Module } from '@nestjs/common';

/** Pages of published answers: the coordinator's publishing page and the public /hoi-dap. */
@Module({})
export class AnswersPagesModule {}
