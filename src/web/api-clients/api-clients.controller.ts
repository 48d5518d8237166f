import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators.js';
import { AppError } from '../../common/errors.js';
import { formValue } from '../../intake/public/web-form.js';
import { API_CLIENT_NAME_MAX, ApiClientsService } from '../../open311/api-clients.service.js';
import { TicketsService } from '../../tickets/tickets.service.js';
import { Views } from '../../views/views.js';
import { AdminOnly } from '../admin/admin-only.js';
import { StaffPageErrorFilter } from '../staff-page-error.filter.js';
import { staffPageNav } from '../staff-page-nav.js';
import { CurrentSession, StaffSessionGuard, type StaffSession } from '../staff-session.js';

const BASE = '/quan-tri/ung-dung';

/**
 * The admin's page of API clients (/quan-tri/ung-dung): the programs allowed to send requests through Open311, when
 * each was made and last used, whether it is active; a new client's key shown once on the page that creates it; a key
 * revoked after a confirmation page. Forms that work without JavaScript; every change audited by ApiClientsService.
 */
@ApiExcludeController()
@Public()
@UseGuards(StaffSessionGuard, AdminOnly)
@UseFilters(StaffPageErrorFilter)
@Controller('quan-tri/ung-dung')
export class ApiClientsController {
  constructor(private readonly clients: ApiClientsService, private readonly tickets: TicketsService, private readonly views: Views) {}

  private nav(s: StaffSession) {
    return staffPageNav(this.tickets, s, '/quan-tri');
  }

  @Get()
  async list(@CurrentSession() s: StaffSession, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const revoked = formValue(query, 'da') === 'thu-hoi' ? formValue(query, 'ten').slice(0, API_CLIENT_NAME_MAX) : '';
    await this.sendList(res, s, { flash: revoked ? `Đã thu hồi khóa của ứng dụng “${revoked}”: mọi yêu cầu dùng khóa này bị từ chối từ bây giờ.` : '' });
  }

  private async sendList(res: Response, s: StaffSession, o: { flash?: string; name?: string; error?: string; status?: number } = {}): Promise<void> {
    const [items, nav] = await Promise.all([this.clients.list(), this.nav(s)]);
    this.views.send(res, o.status ?? 200, 'api-clients/list.njk', {
      nav, csrf: s.csrf, flash: o.flash ?? '', name: o.name ?? '', nameMax: API_CLIENT_NAME_MAX,
      error: o.error ? { message: 'Chưa tạo được ứng dụng: vui lòng kiểm tra lại.', problems: [o.error] } : null,
      errors: o.error ? { name: o.error } : {},
      items: items.map((c) => ({ ...c, revokeHref: `${BASE}/${c.id}/thu-hoi` })),
    });
  }

  /** Creates a client; the page that answers shows its key, once (only its hash is kept). */
  @Post()
  async create(@CurrentSession() s: StaffSession, @Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const name = formValue(body, 'name');
    try {
      const { client, key } = await this.clients.create(name, s.user);
      this.views.send(res, 200, 'api-clients/key.njk', { nav: await this.nav(s), client, key });
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 400) throw e;
      const reason = ((e.details?.errors as Array<{ reason: string }> | undefined)?.[0]?.reason) ?? e.message;
      return this.sendList(res, s, { name: name.slice(0, 200), error: `Tên ứng dụng ${reason}.`, status: 400 });
    }
  }

  @Get(':id/thu-hoi')
  async confirmRevoke(@CurrentSession() s: StaffSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const [client, nav] = await Promise.all([this.clients.get(id), this.nav(s)]);
    this.views.send(res, 200, 'api-clients/revoke.njk', { nav, csrf: s.csrf, client, action: `${BASE}/${client.id}/thu-hoi` });
  }

  @Post(':id/thu-hoi')
  async revoke(@CurrentSession() s: StaffSession, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const client = await this.clients.revoke(id, s.user);
    res.redirect(303, `${BASE}?da=thu-hoi&ten=${encodeURIComponent(client.name)}`);
  }
}
