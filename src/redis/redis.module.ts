import { Global, Module } from '@nestjs/common';
import { RedisConnectionFactory } from './redis-connection.factory';
import { REDIS_CLIENT } from './redis.constants';

/** Redis for everyone: the connection factory and one shared request-path client. */
@Global()
@Module({
  providers: [
    RedisConnectionFactory,
    {
      provide: REDIS_CLIENT,
      inject: [RedisConnectionFactory],
      useFactory: (factory: RedisConnectionFactory) => factory.createRequestClient('api'),
    },
  ],
  exports: [RedisConnectionFactory, REDIS_CLIENT],
})
export class RedisModule {}
