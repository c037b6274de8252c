import type { FastifyRequest } from 'fastify';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ActorKind, Role, type Actor } from '@crux/contracts';

/** Who is calling: the API key's name (owner of jobs, actor of events) and its role. */
export interface Principal {
  name: string;
  role: Role;
}

/** The authenticated caller; the edge hook has put it on the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route: the edge hook authenticates only routes with @Roles()');
  return principal;
});

/**
 * The owner filter for job lookups: operators see every job, anyone else only their own
 * (another owner's job then answers 404 exactly like an unknown one).
 */
export function ownerScope(principal: Principal): string | undefined {
  return principal.role === Role.Operator ? undefined : principal.name;
}

export function maySee(principal: Principal, owner: string): boolean {
  return principal.role === Role.Operator || principal.name === owner;
}

/** The actor of events a caller causes: the key's name, as a user. */
export function actorOf(principal: Principal): Actor {
  return { kind: ActorKind.User, id: principal.name };
}
