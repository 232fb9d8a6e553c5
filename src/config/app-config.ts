import { Inject } from '@nestjs/common';
import { ConfigType, registerAs } from '@nestjs/config';
import { loadConfig } from './env';

/** The typed configuration namespace; validated once, when the ConfigModule loads. */
export const appConfig = registerAs('app', () => loadConfig(process.env));

export type AppConfigType = ConfigType<typeof appConfig>;

/** Injects the typed configuration: `constructor(@InjectAppConfig() cfg: AppConfigType)`. */
export const InjectAppConfig = (): ParameterDecorator => Inject(appConfig.KEY);
