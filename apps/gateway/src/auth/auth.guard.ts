import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@crux/contracts';
import { RateLimiter } from '../edge/rate-limiter.js';
import { ApiKeyRegistry } from './api-key-registry.js';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { authorize } from './authorize.js';
import type { AuthenticatedRequest } from './principal.js';

/**
 * Authenticates every route that is not @Public() and checks its @Roles(). A route that
 * declares neither is refused: access is granted on purpose, never by omission.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRegistry,
    private readonly limiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles) throw new Error(`route ${context.getClass().name}.${context.getHandler().name} declares neither @Roles() nor @Public()`);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = authorize(this.keys, request.headers.authorization, roles, this.limiter);
    return true;
  }
}
