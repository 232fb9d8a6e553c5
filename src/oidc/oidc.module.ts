import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { OidcAccountsService } from './oidc-accounts.service';
import { OidcController } from './oidc.controller';
import { OidcLoginCookie } from './oidc-login-cookie';
import { OidcLoginStore } from './oidc-login-store';
import { OidcProviders } from './oidc-providers';
import { OidcService } from './oidc.service';
import { UserIdentity } from './user-identity.entity';
import { UserIdentitiesRepository } from './user-identities.repository';

/** Single sign-on with OpenID Connect providers (API.md, "Single sign-on"). */
@Module({
  imports: [AuthModule, UsersModule, TypeOrmModule.forFeature([UserIdentity])],
  controllers: [OidcController],
  providers: [
    OidcService,
    OidcProviders,
    OidcLoginStore,
    OidcLoginCookie,
    OidcAccountsService,
    UserIdentitiesRepository,
  ],
})
export class OidcModule {}
