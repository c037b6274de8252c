import { Injectable } from '@nestjs/common';
import type { CruxRouteConfig } from './route-config.js';

/** A route as Fastify registered it (`/api/v1/jobs/:id`), with the access the edge hook enforces on it. */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: CruxRouteConfig['access'];
}

/** Every route the HTTP server serves, as Fastify registered them (its automatic HEAD routes included). */
@Injectable()
export class RouteTable {
  readonly routes: RegisteredRoute[] = [];
}
