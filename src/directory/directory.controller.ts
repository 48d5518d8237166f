import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { DirectoryService } from './directory.service.js';
import {
  AreaQueryDto, CreateCategoryDto, CreateUnitDto, MergeUnitDto, UnitQueryDto, UpdateCategoryDto, UpdateUnitDto,
} from './dto/directory.dto.js';

@ApiTags('directory')
@ApiBearerAuth()
@Controller('api')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Get('areas')
  areas(@Query() q: AreaQueryDto) {
    return this.directory.listAreas(q);
  }

  @Get('units')
  units(@Query() q: UnitQueryDto) {
    return this.directory.listUnits(q);
  }

  @Get('units/:code')
  unit(@Param('code') code: string) {
    return this.directory.getUnit(code);
  }

  @Post('units')
  @Roles('admin')
  createUnit(@Body() dto: CreateUnitDto, @CurrentUser() user: AuthUser) {
    return this.directory.createUnit(dto, user);
  }

  @Patch('units/:code')
  @Roles('admin')
  updateUnit(@Param('code') code: string, @Body() dto: UpdateUnitDto, @CurrentUser() user: AuthUser) {
    return this.directory.updateUnit(code, dto, user);
  }

  /** What a merge into `intoCode` would move now (open tickets, routing rules, accounts, sub-units); nothing is written. */
  @Get('units/:code/merge-preview')
  @Roles('admin')
  mergePreview(@Param('code') code: string, @Query() q: MergeUnitDto) {
    return this.directory.mergePreview(code, q.intoCode);
  }

  @Post('units/:code/merge')
  @Roles('admin')
  mergeUnit(@Param('code') code: string, @Body() dto: MergeUnitDto, @CurrentUser() user: AuthUser) {
    return this.directory.mergeUnit(code, dto.intoCode, user);
  }

  @Get('categories')
  categories() {
    return this.directory.listCategories();
  }

  @Post('categories')
  @Roles('admin')
  createCategory(@Body() dto: CreateCategoryDto, @CurrentUser() user: AuthUser) {
    return this.directory.createCategory(dto, user);
  }

  @Patch('categories/:code')
  @Roles('admin')
  updateCategory(@Param('code') code: string, @Body() dto: UpdateCategoryDto, @CurrentUser() user: AuthUser) {
    return this.directory.updateCategory(code, dto, user);
  }
}
