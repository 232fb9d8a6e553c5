import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig, AppConfigType } from '../config/app-config';
import { ProjectsModule } from '../projects/projects.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { jwtKey, jwtSignOptions, jwtVerifyOptions } from './jwt-claims';
import { JwtStrategy } from './jwt.strategy';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';

@Module({
  imports: [
    UsersModule,
    ProjectsModule,
    PassportModule,
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
  controllers: [AuthController],
  providers: [AuthService, RefreshTokensRepository, JwtStrategy],
  // Single sign-on (oidc/) makes accounts and sessions the same way registration and login do.
  exports: [AuthService],
})
export class AuthModule {}
