import { IdParam } from '../common/http/id-param.pipe';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { PasswordResetConfirmDto, PasswordResetRequestDto, RegisterDto, SetRolesDto, SignInDto, TokenDto } from './dto/auth.dto';
import { BearerGuard, CurrentUser, Roles, RolesGuard } from './guards';
import type { User } from './user.entity';
import { toUserView } from './user.view';
import { UsersService } from './users.service';

@ApiTags('accounts')
@Controller('api/v1')
export class AuthApiController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('auth/register')
  async register(@Body() body: RegisterDto, @Req() req: Request) {
    return toUserView(await this.auth.register(body, { ip: req.ip ?? '' }));
  }

  @Post('auth/verify-email')
  @HttpCode(200)
  async verifyEmail(@Body() body: TokenDto) {
    return toUserView(await this.auth.verifyEmail(body.token));
  }

  @Post('auth/verify-email/resend')
  @HttpCode(202)
  @ApiBearerAuth()
  @UseGuards(BearerGuard)
  async resendVerification(@CurrentUser() user: User) {
    await this.auth.resendVerification(user);
    return { status: 'accepted' };
  }

  @Post('auth/token')
  @HttpCode(200)
  token(@Body() body: SignInDto, @Req() req: Request) {
    return this.auth.issueAccessToken(body, { ip: req.ip ?? '' });
  }

  @Post('auth/password-reset')
  @HttpCode(202)
  async requestPasswordReset(@Body() body: PasswordResetRequestDto, @Req() req: Request) {
    await this.auth.requestPasswordReset(body.email, { ip: req.ip ?? '' });
    return { status: 'accepted', detail: 'If the address has an account, a reset link is on its way.' };
  }

  @Post('auth/password-reset/confirm')
  @HttpCode(200)
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto, @Req() req: Request) {
    await this.auth.confirmPasswordReset(body, { ip: req.ip ?? '' });
    return { status: 'ok', detail: 'Your password has been changed.' };
  }

  @Get('me')
  @ApiBearerAuth()
  @UseGuards(BearerGuard)
  me(@CurrentUser() user: User) {
    return toUserView(user);
  }

  @Put('users/:id/roles')
  @ApiBearerAuth()
  @UseGuards(BearerGuard, RolesGuard)
  @Roles('admin')
  async setRoles(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: SetRolesDto) {
    return toUserView(await this.users.setRoles(user, id, body.roles));
  }
}
