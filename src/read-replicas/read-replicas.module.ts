import { Global, Module } from '@nestjs/common';
import { ReadReplicas } from './read-replicas.service';
import { ReadYourWritesInterceptor } from './read-your-writes.interceptor';
import { RecentWrites } from './recent-writes';

/**
 * Read replicas for the heavy reads of any module (ReadReplicas.query). With replicas,
 * `createApp` installs ReadYourWritesInterceptor as a global interceptor.
 */
@Global()
@Module({
  providers: [RecentWrites, ReadReplicas, ReadYourWritesInterceptor],
  exports: [ReadReplicas, ReadYourWritesInterceptor],
})
export class ReadReplicasModule {}
