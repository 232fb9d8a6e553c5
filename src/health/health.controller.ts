import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Endpoint } from '../common/decorators/endpoint.decorator';
import { Public } from '../common/decorators/public.decorator';
import { NoRateLimit } from '../common/decorators/rate-limit.decorator';
import { ServiceUnavailableError } from '../common/errors/domain-errors';
import { RedisHealthIndicator } from './redis.health';

const CHECK_TIMEOUT_MS = 1000;

@ApiTags('operations')
@Public()
@NoRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mysql: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @Endpoint({
    operationId: 'getLiveness',
    scope: 'public',
    summary: 'Liveness: 200 while the process runs',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @Endpoint({
    operationId: 'getReadiness',
    scope: 'public',
    summary: 'Readiness: 200 when MySQL and Redis answer, else 503 naming the failed one',
    errors: [[503, 'Not ready: redis unavailable']],
  })
  @ApiOkResponse({
    schema: {
      example: { status: 'ok', info: { mysql: { status: 'up' }, redis: { status: 'up' } } },
    },
  })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.mysql.pingCheck('mysql', { timeout: CHECK_TIMEOUT_MS }),
        () => this.redis.isHealthy('redis'),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failed = Object.entries(result.error ?? {}).map(([name, detail]) => ({
        field: name,
        message: typeof detail?.message === 'string' ? detail.message : `${name} is down`,
      }));
      throw new ServiceUnavailableError(
        `Not ready: ${failed.map((f) => f.field).join(', ')} unavailable`,
        failed,
      );
    }
  }
}
