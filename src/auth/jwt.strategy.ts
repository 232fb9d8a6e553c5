import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { UnauthorizedError } from '../common/errors/domain-errors';
import { AppConfigType, InjectAppConfig } from '../config/app-config';
import { AccessTokenClaims, authUserFromClaims, jwtKey, jwtVerifyOptions } from './jwt-claims';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@InjectAppConfig() config: AppConfigType) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt passes the key to jsonwebtoken.verify, which takes a KeyObject (see jwtKey);
      // its typings only list string | Buffer.
      secretOrKey: jwtKey(config.jwt.secret) as unknown as Buffer,
      // passport-jwt hands algorithms, issuer and audience to jsonwebtoken.verify.
      ...jwtVerifyOptions(config.jwt),
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessTokenClaims): AuthUser {
    const user = authUserFromClaims(claims);
    if (!user) throw new UnauthorizedError('invalid access token');
    return user;
  }
}
