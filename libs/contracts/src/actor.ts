/** Who caused an event. Every deletion carries one; `id` is the API key's name for users. */
export const ActorKind = { User: 'user', Service: 'service', System: 'system' } as const;
export type ActorKind = (typeof ActorKind)[keyof typeof ActorKind];

export interface Actor {
  kind: ActorKind;
  id: string;
}

export const Role = { Submitter: 'submitter', Operator: 'operator', Auditor: 'auditor' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = Object.values(Role);

export function serviceActor(id: string): Actor {
  return { kind: ActorKind.Service, id };
}

export function systemActor(id: string): Actor {
  return { kind: ActorKind.System, id };
}
