import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { notFound } from '../common/errors.js';
import { CreateRoutingRuleDto } from './dto/routing-rule.dto.js';
import { RoutingService } from './routing.service.js';

@ApiTags('directory')
@ApiBearerAuth()
@Controller('api/routing-rules')
export class RoutingController {
  constructor(private readonly routing: RoutingService) {}

  @Get()
  @Roles('admin', 'coordinator')
  list() {
    return this.routing.listRules();
  }

  @Post()
  @Roles('admin')
  create(@Body() dto: CreateRoutingRuleDto, @CurrentUser() user: AuthUser) {
    return this.routing.createRule(dto, user);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  remove(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound('Không tìm thấy quy tắc phân công.') })) id: string, @CurrentUser() user: AuthUser) {
    return this.routing.deleteRule(id, user);
  }
}
