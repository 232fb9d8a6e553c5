import { Module } from '@nestjs/common';
import { AppModule } from './app.module';
import { GraphqlApiModule } from './graphql/graphql-api.module';

/**
 * The API process: every feature module (AppModule, which the worker process runs alone) plus
 * the GraphQL endpoint, which needs the HTTP server that only this process has.
 */
@Module({ imports: [AppModule, GraphqlApiModule] })
export class ApiModule {}
