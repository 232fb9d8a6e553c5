import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReadReplicas } from './read-replicas.service';
import { ReadYourWritesInterceptor } from './read-your-writes.interceptor';
import { RecentWrites } from './recent-writes';

/** Read replicas for the heavy reads of any module (ReadReplicas.query). */
@Global()
@Module({
  providers: [
    RecentWrites,
    ReadReplicas,
    { provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor },
  ],
  exports: [ReadReplicas],
})
export class ReadReplicasModule {}
