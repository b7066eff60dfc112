import { Body, Controller, Get, HttpCode, Inject, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FormView } from '../common/http/form-view';
import { safeReturnTo } from '../common/http/return-to';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuthService } from './auth.service';
import { PasswordResetConfirmDto, PasswordResetRequestDto, RegisterDto, SignInDto } from './dto/auth.dto';
import { CurrentUser, SignedInGuard } from './guards';
import { SESSION_COOKIE, sessionCookieOptions } from './session.middleware';
import type { User } from './user.entity';
import { toUserView } from './user.view';

@ApiExcludeController()
@Controller()
export class AuthWebController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('sign-up')
  @Render('auth/sign-up')
  signUpForm() {
    return { title: 'Create an account', values: {} };
  }

  @Post('sign-up')
  @HttpCode(200)
  @FormView('auth/sign-up')
  @Render('auth/check-email')
  async signUp(@Body() body: RegisterDto, @Req() req: Request) {
    const user = await this.auth.register(body, { ip: req.ip ?? '' });
    return { title: 'Check your email', email: user.email };
  }

  @Get('sign-in')
  @Render('auth/sign-in')
  signInForm(@Query('returnTo') returnTo?: string) {
    return { title: 'Sign in', values: { returnTo: safeReturnTo(returnTo) } };
  }

  @Post('sign-in')
  @FormView('auth/sign-in')
  async signIn(@Body() body: SignInDto, @Query('returnTo') returnTo: string | undefined, @Req() req: Request, @Res() res: Response) {
    const user = await this.auth.authenticate(body, { ip: req.ip ?? '' });
    const previous: string | undefined = req.cookies?.[SESSION_COOKIE];
    if (previous) await this.auth.endSession(previous);
    const session = await this.auth.startSession(user);
    res.cookie(SESSION_COOKIE, session.token, { ...sessionCookieOptions(this.config), maxAge: session.maxAgeMs });
    res.redirect(303, safeReturnTo(returnTo));
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response) {
    const token: string | undefined = req.cookies?.[SESSION_COOKIE];
    if (token) await this.auth.endSession(token);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config));
    res.redirect(303, '/');
  }

  @Get('verify-email')
  @FormView('auth/verify-email')
  @Render('auth/verify-email')
  async verifyEmail(@Query('token') token: unknown) {
    const user = await this.auth.verifyEmail(typeof token === 'string' ? token : '');
    return { title: 'Email address confirmed', verified: true, email: user.email };
  }

  @Get('forgot-password')
  @Render('auth/forgot-password')
  forgotPasswordForm() {
    return { title: 'Reset your password', values: {} };
  }

  @Post('forgot-password')
  @HttpCode(200)
  @FormView('auth/forgot-password')
  @Render('auth/forgot-password')
  async forgotPassword(@Body() body: PasswordResetRequestDto, @Req() req: Request) {
    await this.auth.requestPasswordReset(body.email, { ip: req.ip ?? '' });
    return { title: 'Reset your password', sent: true, values: {} };
  }

  @Get('reset-password')
  @Render('auth/reset-password')
  resetPasswordForm(@Query('token') token: unknown) {
    return { title: 'Choose a new password', token: typeof token === 'string' ? token : '', values: {} };
  }

  @Post('reset-password')
  @HttpCode(200)
  @FormView('auth/reset-password')
  @Render('auth/reset-password')
  async resetPassword(@Body() body: PasswordResetConfirmDto, @Req() req: Request) {
    await this.auth.confirmPasswordReset(body, { ip: req.ip ?? '' });
    return { title: 'Password changed', done: true };
  }

  @Get('account')
  @UseGuards(SignedInGuard)
  @Render('auth/account')
  account(@CurrentUser() user: User) {
    return { title: 'Your account', account: toUserView(user) };
  }

  @Post('account/verify-email')
  @HttpCode(200)
  @UseGuards(SignedInGuard)
  @Render('auth/account')
  async resendVerification(@CurrentUser() user: User) {
    await this.auth.resendVerification(user);
    return { title: 'Your account', account: toUserView(user), resent: true };
  }
}
