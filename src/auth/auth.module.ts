import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokensModule } from '../access-tokens/access-tokens.module';
import { appConfig, AppConfigType } from '../config/app-config';
import { ProjectsModule } from '../projects/projects.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthenticationService } from './authentication.service';
import { jwtKey, jwtSignOptions, jwtVerifyOptions } from './jwt-claims';
import { PasswordController } from './password.controller';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';

@Module({
  imports: [
    UsersModule,
    ProjectsModule,
    AccessTokensModule,
    TypeOrmModule.forFeature([RefreshToken]),
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
  providers: [AuthService, AuthenticationService, RefreshTokensRepository],
  // The global authentication guard, the WebSocket gateway and GraphQL resolve callers with it.
  exports: [AuthenticationService],
})
export class AuthModule {}
