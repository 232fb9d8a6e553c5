import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { appConfig } from './app-config';

/** Reads `.env` when present (real environment variables win) and validates everything at boot. */
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, cache: true, load: [appConfig] })],
})
export class AppConfigModule {}
