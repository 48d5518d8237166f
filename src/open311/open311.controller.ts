import { Body, Controller, Get, Headers, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/decorators.js';
import { PageView, PublicRateLimitGuard } from '../intake/public/rate-limit.js';
import { ApiClientsService } from './api-clients.service.js';
import { Open311ErrorFilter, sendOpen311 } from './open311-error.filter.js';
import { open311Forbidden, open311NotFound } from './open311.errors.js';
import { Open311Service, type RequestsQuery, type SubmittedRequest } from './open311.service.js';

type Format = 'json' | 'xml';

/** "AN-SINH.json" → ["AN-SINH", "json"]; anything else (another format, no extension) is an unknown address. */
function split(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/i.exec(file);
  if (!m) throw open311NotFound('Không tìm thấy địa chỉ được yêu cầu: dùng đuôi .json hoặc .xml.');
  return [m[1], m[2].toLowerCase() as Format];
}

const format = (f: string): Format => split(`x.${f}`)[1];

/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) for civic apps and city systems: the categories as
 * services (JSON or XML by the path's extension), requests sent with an API key an admin issued (as citizen-app
 * reports), and requests read by anyone, without personal data. Errors in the spec's form (Open311ErrorFilter).
 * Rate-limited per client like the citizen app: a request sent counts as a submission, a read as a page view.
 */
@ApiTags('open311')
@Public()
@UseGuards(PublicRateLimitGuard)
@UseFilters(Open311ErrorFilter)
@Controller('open311/v2')
export class Open311Controller {
  constructor(private readonly open311: Open311Service, private readonly clients: ApiClientsService) {}

  @Get('services.:format')
  @PageView()
  async services(@Param('format') f: string, @Res() res: Response): Promise<void> {
    const fmt = format(f);
    sendOpen311(res, fmt, 200, 'services', 'service', await this.open311.services());
  }

  @Get('services/:file')
  @PageView()
  async definition(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const [code, fmt] = split(file);
    sendOpen311(res, fmt, 200, 'service_definition', null, await this.open311.definition(code));
  }

  /**
   * A request, form-encoded as the spec sends it (JSON is taken too): `api_key`, `service_code`,
   * `attribute[area_code]`, `description`, `first_name`, `last_name`, `phone` and/or `email`, `address_string`,
   * `media_url`. 201 with `[{service_request_id, service_notice, account_id}]`. An optional `Idempotency-Key` header
   * (not in the spec) makes a retry answer 200 with the first one's id, creating nothing.
   */
  @Post('requests.:format')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  async submit(
    @Param('format') f: string, @Body() body: SubmittedRequest | undefined, @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const fmt = format(f);
    const b = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
    const key = typeof b.api_key === 'string' ? b.api_key.trim() : '';
    if (!key) throw open311Forbidden('api_key: là bắt buộc: khóa API do Tổng đài 1022 cấp cho ứng dụng.');
    const client = await this.clients.authenticate(key);
    if (!client) throw open311Forbidden('api_key: khóa API không đúng hoặc đã bị thu hồi.');
    const { created, body: answer } = await this.open311.submit(client, b, idempotencyKey);
    sendOpen311(res, fmt, created ? 201 : 200, 'service_requests', 'request', answer);
  }

  @Get('requests.:format')
  @PageView()
  async requests(@Param('format') f: string, @Query() query: RequestsQuery, @Res() res: Response): Promise<void> {
    const fmt = format(f);
    sendOpen311(res, fmt, 200, 'service_requests', 'request', await this.open311.requests(query));
  }

  @Get('requests/:file')
  @PageView()
  async request(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const [id, fmt] = split(file);
    sendOpen311(res, fmt, 200, 'service_requests', 'request', await this.open311.request(id));
  }
}
