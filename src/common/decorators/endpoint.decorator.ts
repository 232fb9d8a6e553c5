import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiErrorResponses, ErrorSpec } from './api-error-responses.decorator';

export interface EndpointOptions {
  /**
   * camelCase, named for what the operation does (`listTasks`): client generators turn it into
   * the function name, so it is part of the contract.
   */
  operationId: string;
  summary: string;
  description?: string;
  /**
   * Error statuses the route answers, each optionally with its message for the example (503 is
   * added: any route may answer it). Absent: the route documents no errors.
   */
  errors?: ErrorSpec[];
}

/** The documentation of one route in one decorator (after immich's `@Endpoint`). */
export function Endpoint({ errors, ...operation }: EndpointOptions): MethodDecorator {
  return applyDecorators(
    ApiOperation(operation),
    ...(errors === undefined ? [] : [ApiErrorResponses(...errors)]),
  );
}
