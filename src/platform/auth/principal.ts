// Who is calling: a signed-in person (session) or a machine/integration (API token).
export const PERSON_ROLES = ['admin', 'supervisor', 'operator', 'quality', 'maintenance'] as const;
export const TOKEN_ROLES = ['integration', 'device'] as const;
export const ALL_ROLES = [...PERSON_ROLES, ...TOKEN_ROLES] as const;

export type PersonRole = (typeof PERSON_ROLES)[number];
export type TokenRole = (typeof TOKEN_ROLES)[number];
export type Role = (typeof ALL_ROLES)[number];

export interface Principal {
  kind: 'user' | 'token';
  id: string;
  name: string;
  roles: Role[];
  /** Device tokens may be limited to one piece of equipment and everything below it. */
  equipmentPath?: string | null;
  /** A person's session: e-signatures given in one continuous session may re-authenticate with the password alone. */
  sessionId?: string;
}

/** The name written into the audit trail. */
export interface Actor {
  id: string | null;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system' };

export const actorOf = (p: Principal): Actor => ({
  id: p.id,
  name: p.kind === 'token' ? `token:${p.name}` : p.name,
});
