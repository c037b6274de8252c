import { SetMetadata } from '@nestjs/common';
import type { Role } from '@crux/contracts';

export const ROLES_KEY = 'crux:roles';
export const PUBLIC_KEY = 'crux:public';

/** The roles that may call a route (or every route of a controller). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call without a key: health, metrics, the API description. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
