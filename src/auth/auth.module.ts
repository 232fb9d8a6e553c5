import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig, AppConfigType } from '../config/app-config';
import { JobsModule } from '../jobs/jobs.module';
import { MailModule } from '../mail/mail.module';
import { ProjectsModule } from '../projects/projects.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { jwtKey, jwtSignOptions, jwtVerifyOptions } from './jwt-claims';
import { JwtStrategy } from './jwt.strategy';
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
    PassportModule,
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
  controllers: [AuthController],
  providers: [
    AuthService,
    RefreshTokensRepository,
    JwtStrategy,
    PasswordResetService,
    PasswordResetTokensRepository,
    PasswordResetMailHandler,
  ],
})
export class AuthModule {}
