import { IdParam } from '../common/http/id-param.pipe';
import { Body, Controller, Get, Param, Post, Query, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { PageQuery } from '../common/pagination';
import { validatePageQuery } from '../common/validation';
import { SetRolesDto } from './dto/auth.dto';
import { CurrentUser, Roles, RolesGuard, SignedInGuard } from './guards';
import type { User } from './user.entity';
import { toUserView } from './user.view';
import { UsersService } from './users.service';

class UserSearchQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

@ApiExcludeController()
@Controller('admin/users')
@UseGuards(SignedInGuard, RolesGuard)
@Roles('admin')
export class UsersWebController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Render('admin/users')
  async list(@CurrentUser() actor: User, @Query() raw: Record<string, unknown>) {
    const { query } = await validatePageQuery(UserSearchQuery, raw);
    const page = await this.users.list(actor, query);
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    return {
      title: 'Accounts',
      q: query.q ?? '',
      users: page.items.map(toUserView),
      total: page.total,
      page: page.page,
      previousPage: page.page > 1 ? page.page - 1 : undefined,
      nextPage: page.page < pages ? page.page + 1 : undefined,
    };
  }

  @Post(':id/roles')
  async setRoles(@CurrentUser() actor: User, @Param('id', IdParam) id: string, @Body() body: SetRolesDto, @Res() res: Response) {
    const user = await this.users.setRoles(actor, id, body.roles);
    res.redirect(303, `/admin/users?q=${encodeURIComponent(user.email)}`);
  }
}
