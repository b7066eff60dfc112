import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { purposeKey } from '../config/secret-keys';
import { NotificationsModule } from '../notifications/notifications.module';
import { AuthApiController } from './auth.api.controller';
import { AUTH_RATE_LIMITS, DEFAULT_AUTH_RATE_LIMITS } from './auth-rate-limits';
import { AuthService } from './auth.service';
import { AuthWebController } from './auth.web.controller';
import { JwtStrategy } from './jwt.strategy';
import { PasswordHasher } from './password-hasher';
import { SessionMiddleware } from './session.middleware';
import { UsersService } from './users.service';
import { UsersWebController } from './users.web.controller';

@Module({
  imports: [
    NotificationsModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: purposeKey(config.sessionSecret, 'bearer-tokens'), signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthApiController, AuthWebController, UsersWebController],
  providers: [
    AuthService,
    UsersService,
    PasswordHasher,
    JwtStrategy,
    SessionMiddleware,
    { provide: AUTH_RATE_LIMITS, useValue: DEFAULT_AUTH_RATE_LIMITS },
  ],
  exports: [AuthService, UsersService, SessionMiddleware],
})
export class AuthModule {}
