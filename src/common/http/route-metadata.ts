import type { ExecutionContext } from '@nestjs/common';

type RouteTarget = ReturnType<ExecutionContext['getHandler']>;
type ControllerClass = ReturnType<ExecutionContext['getClass']>;

/**
 * A route's policy read from its decorators once per handler instead of on every request: the
 * global guards ask the same questions (public? rate-limited?) on every request, and a
 * Reflector lookup walks the metadata maps of the handler and its class each time. Decorators
 * run when a class is defined, so the answer for a handler never changes.
 */
export class RouteMetadataCache<T> {
  private readonly byHandler = new WeakMap<
    RouteTarget,
    { controller: ControllerClass; value: T }
  >();

  constructor(private readonly read: (handler: RouteTarget, controller: ControllerClass) => T) {}

  get(context: ExecutionContext): T {
    const handler = context.getHandler();
    const controller = context.getClass();
    const cached = this.byHandler.get(handler);
    // A handler inherited by two controllers may carry different class-level metadata.
    if (cached !== undefined && cached.controller === controller) return cached.value;
    const value = this.read(handler, controller);
    if (cached === undefined) this.byHandler.set(handler, { controller, value });
    return value;
  }
}
