import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { appConfig, AppConfigType } from '../config/app-config';
import { JobsModule } from '../jobs/jobs.module';
import { MailModule } from '../mail/mail.module';
import { ProjectsModule } from '../projects/projects.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthenticationService } from './authentication.service';
import { jwtKey, jwtSignOptions, jwtVerifyOptions } from './jwt-claims';
import { PasswordController } from './password.controller';
import { PasswordResetMailHandler } from './password-reset/password-reset-mail.handler';
import { PasswordResetToken } from './password-reset/password-reset-token.entity';
import { PasswordResetTokensRepository } from './password-reset/password-reset-tokens.repository';
import { PasswordResetService } from './password-reset/password-reset.service';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';

@Module({
  imports: [
    UsersModule,
    ProjectsModule,
    AccessTokensModule,
    JobsModule,
    MailModule,
    TypeOrmModule.forFeature([RefreshToken, PasswordResetToken]),
    JwtModule.registerAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfigType) => ({
        secret: jwtKey(config.jwt.secret),
        signOptions: jwtSignOptions(config.jwt),
        verifyOptions: jwtVerifyOptions(config.jwt),
      }),
    }),
  ],
  controllers: [AuthController, PasswordController],
  providers: [
    AuthService,
    AuthenticationService,
    RefreshTokensRepository,
    PasswordResetService,
    PasswordResetTokensRepository,
    PasswordResetMailHandler,
  ],
  // The global authentication guard, the WebSocket gateway and GraphQL resolve callers with it.
  // Single sign-on (oidc/) makes accounts and sessions the same way registration and login do.
  exports: [AuthenticationService, AuthService],
})
export class AuthModule {}
