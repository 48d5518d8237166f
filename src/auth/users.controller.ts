import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/decorators.js';
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
  async create(@Body() dto: CreateUserDto) {
    return publicUser(await this.users.createUser(dto));
  }

  @Patch(':username')
  async update(@Param('username') username: string, @Body() dto: UpdateUserDto) {
    return publicUser(await this.users.update(username, dto));
  }
}
