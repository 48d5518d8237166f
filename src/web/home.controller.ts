import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/decorators.js';
import { TicketsService } from '../tickets/tickets.service.js';
import { StaffPageErrorFilter } from './staff-page-error.filter.js';
import { HOME_BY_ROLE } from './staff-nav.js';
import { CurrentSession, StaffSessionGuard, StaffSessions, type StaffSession } from './staff-session.js';

/** `/`: a signed-in person to the page of their daily job, anyone else to the sign-in page. */
@ApiExcludeController()
@Public()
@UseFilters(StaffPageErrorFilter)
@Controller()
export class HomeController {
  constructor(private readonly sessions: StaffSessions, private readonly tickets: TicketsService) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const session = await this.sessions.fromRequest(req);
    res.set('Cache-Control', 'no-store').redirect(303, session ? HOME_BY_ROLE[session.user.role] : '/dang-nhap');
  }

  /**
   * The header's live counts (static/js/live.js asks every 30 s): what waits for this person, as JSON. Needs the
   * session cookie like every staff page.
   */
  @Get('trang/dem')
  @UseGuards(StaffSessionGuard)
  async counts(@CurrentSession() s: StaffSession, @Res() res: Response): Promise<void> {
    res.set('Cache-Control', 'no-store').json(await this.tickets.waitingCounts(s.user));
  }
}
