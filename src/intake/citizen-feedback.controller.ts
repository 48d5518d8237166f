import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { ExplainDisputeDto, RecordFeedbackDto } from './citizen-feedback.dto.js';
import { CitizenFeedbackService } from './citizen-feedback.service.js';

/** The citizen's answer about a resolution, for staff: read it, record one given on a call back, answer a "not settled". */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets/:code')
export class CitizenFeedbackController {
  constructor(private readonly feedback: CitizenFeedbackService) {}

  @Get('feedback')
  async get(@CurrentUser() user: AuthUser, @Param('code') code: string) {
    return { feedback: await this.feedback.feedbackFor(user, code) };
  }

  /** 201 when recorded; 200 with recorded false when the ticket already had an answer (nothing changes). */
  @Post('feedback')
  async record(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: RecordFeedbackDto) {
    const recorded = await this.feedback.recordByOperator(user, code, { settled: dto.settled ?? '', rating: dto.rating ?? '', reason: dto.reason ?? '' });
    return { recorded, feedback: await this.feedback.feedbackFor(user, code) };
  }

  @Post('explain-dispute')
  @HttpCode(200)
  @Roles('coordinator', 'admin')
  explain(@CurrentUser() user: AuthUser, @Param('code') code: string, @Body() dto: ExplainDisputeDto) {
    return this.feedback.explain(user, code, dto.text ?? '', dto.version);
  }
}
