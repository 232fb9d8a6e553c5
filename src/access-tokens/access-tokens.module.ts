import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokensController } from './access-tokens.controller';
import { AccessTokensRepository } from './access-tokens.repository';
import { AccessTokensService } from './access-tokens.service';
import { PersonalAccessToken } from './personal-access-token.entity';

/** Personal access tokens: their routes, and their check for the authentication service. */
@Module({
  imports: [TypeOrmModule.forFeature([PersonalAccessToken])],
  controllers: [AccessTokensController],
  providers: [AccessTokensRepository, AccessTokensService],
  exports: [AccessTokensService],
})
export class AccessTokensModule {}
