import { Injectable } from '@nestjs/common';

/** Every route the HTTP server serves, as Fastify registered them (its automatic HEAD routes included). */
@Injectable()
export class RouteTable {
  readonly routes: { method: string; url: string }[] = [];
}
