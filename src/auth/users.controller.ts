import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { CreateUserDto, UpdateUserDto } from '../users/dto/user.dto.js';
import { publicUser, UsersService } from '../users/users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list() {
    return (await this.users.list()).map(publicUser);
  }

  @Post()
  async create(@Body() dto: CreateUserDto, @CurrentUser() actor: AuthUser) {
    return publicUser(await this.users.createUser(dto, actor));
  }

  @Patch(':username')
  async update(@Param('username') username: string, @Body() dto: UpdateUserDto, @CurrentUser() actor: AuthUser) {
    return publicUser(await this.users.update(username, dto, actor));
  }
}
