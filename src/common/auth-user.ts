import type { Role } from './roles.js';

/** The person behind a request, as the guard resolved it. */
export interface AuthUser {
  id: string;
  username: string;
  fullName: string;
  role: Role;
  unitCode: string | null;
}

export const displayName = (u: AuthUser) => u.fullName || u.username;
