/** The roles an account may have (see README "Access"). */
export const ROLES = ['admin', 'coordinator', 'operator', 'unit_staff', 'leader'] as const;
export type Role = (typeof ROLES)[number];
