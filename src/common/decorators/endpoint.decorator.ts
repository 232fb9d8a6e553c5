import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiOperation } from '@nestjs/swagger';
import {
  describeRouteAccess,
  missingScopeMessage,
  ROUTE_ACCESS_EXTENSION,
  ROUTE_ACCESS_KEY,
  RouteAccess,
  SESSION_ONLY_MESSAGE,
} from '../auth/token-scopes';
import { ApiErrorResponses, ErrorSpec } from './api-error-responses.decorator';
import { Public } from './public.decorator';

export interface EndpointOptions {
  /**
   * camelCase, named for what the operation does (`listTasks`): client generators turn it into
   * the function name, so it is part of the contract.
   */
  operationId: string;
  summary: string;
  description?: string;
  /**
   * Who may call the route (see `RouteAccess`): the personal-access-token scope it needs, `any`,
   * `session` (no personal access token) or `public` (no token). A `public` route's controller
   * also carries `@Public()`: @nestjs/swagger drops an empty `security` set on a method, so only
   * the class-level one documents the route as open (test/token-scopes.e2e-spec.ts checks it).
   * Required, so a new route cannot forget it; the scope guard refuses a personal access token
   * on a route that declares none, and test/token-scopes.e2e-spec.ts fails on it.
   */
  scope: RouteAccess;
  /**
   * Error statuses the route answers, each optionally with its message for the example (503 is
   * added: any route may answer it). Absent: the route documents no errors.
   */
  errors?: ErrorSpec[];
}

const statusOf = (spec: ErrorSpec): number => (Array.isArray(spec) ? spec[0] : spec);

/** The documentation of one route in one decorator (after immich's `@Endpoint`). */
export function Endpoint({ errors, scope, ...operation }: EndpointOptions): MethodDecorator {
  const access =
    scope === 'public'
      ? [Public()]
      : [SetMetadata(ROUTE_ACCESS_KEY, scope), ApiExtension(ROUTE_ACCESS_EXTENSION, scope)];
  // A personal access token can be refused on every route it may reach: say so where the route
  // documents no 403 of its own (it has one example per status).
  const refusal: ErrorSpec | undefined =
    scope === 'public' || scope === 'any'
      ? undefined
      : [403, scope === 'session' ? SESSION_ONLY_MESSAGE : missingScopeMessage(scope)];
  const documented =
    errors === undefined || refusal === undefined || errors.some((spec) => statusOf(spec) === 403)
      ? errors
      : [...errors, refusal].sort((a, b) => statusOf(a) - statusOf(b));
  const description =
    scope === 'public'
      ? operation.description
      : [operation.description, describeRouteAccess(scope)].filter(Boolean).join('\n\n');
  return applyDecorators(
    ApiOperation({ ...operation, ...(description === undefined ? {} : { description }) }),
    ...access,
    ...(documented === undefined ? [] : [ApiErrorResponses(...documented)]),
  );
}
