import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey } from 'node:crypto';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { NotSignedInError } from '../common/errors/domain-errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { purposeKey } from '../config/secret-keys';
import type { User } from './user.entity';
import { UsersService } from './users.service';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersService,
  ) {
    // A ready KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a public key on every verify.
    const key = createSecretKey(purposeKey(config.sessionSecret, 'bearer-tokens')) as unknown as string;
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: key, algorithms: ['HS256'] });
  }

  async validate(payload: { sub: string; ver: number }): Promise<User> {
    const user = await this.users.findForToken(payload.sub, payload.ver);
    if (!user) throw new NotSignedInError('The bearer token is no longer valid; request a new one.');
    return user;
  }
}
