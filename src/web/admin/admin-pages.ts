import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Views } from '../../views/views.js';
import { staffPageNav } from '../staff-page-nav.js';
import type { StaffSession } from '../staff-session.js';

/** Sends an administration page: the header (Quản trị marked), the CSRF token, the page's model. */
@Injectable()
export class AdminPages {
  constructor(private readonly views: Views, private readonly tickets: TicketsService) {}

  async send(res: Response, s: StaffSession, template: string, model: object, status = 200): Promise<void> {
    const nav = await staffPageNav(this.tickets, s, '/quan-tri');
    this.views.send(res, status, template, { nav, csrf: s.csrf, ...model });
  }
}
