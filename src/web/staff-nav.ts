import type { AuthUser } from '../common/auth-user.js';
import { displayName } from '../common/auth-user.js';
import type { Role } from '../common/roles.js';
import { WAITING_COUNT_CAP } from '../tickets/tickets.service.js';

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Quản trị hệ thống',
  coordinator: 'Điều phối viên',
  operator: 'Tổng đài viên',
  unit_staff: 'Cán bộ đơn vị',
  leader: 'Lãnh đạo',
};

/** Where `/` sends a signed-in person: the page of their daily job. */
export const HOME_BY_ROLE: Record<Role, string> = {
  operator: '/tong-dai',
  coordinator: '/dieu-phoi',
  admin: '/dieu-phoi',
  unit_staff: '/tickets',
  leader: '/bao-cao',
};

/** Which counts the header shows live (see static/js/live.js and GET /trang/dem). */
export type CountKey = 'queue' | 'unit';

interface NavLink {
  href: string;
  label: string;
  id: string;
  roles: readonly Role[];
  countKey?: CountKey;
}

/** The header's menu, in order; each person sees the links of their role. */
const LINKS: readonly NavLink[] = [
  { href: '/tong-dai', label: 'Tiếp nhận cuộc gọi', id: 'menu-tong-dai', roles: ['operator', 'coordinator', 'admin'] },
  { href: '/dieu-phoi', label: 'Điều phối', id: 'menu-dieu-phoi', roles: ['coordinator', 'admin'], countKey: 'queue' },
  { href: '/tickets', label: 'Phản ánh', id: 'menu-phan-anh', roles: ['operator', 'coordinator', 'admin', 'leader'] },
  { href: '/tickets', label: 'Phản ánh của đơn vị', id: 'menu-phan-anh', roles: ['unit_staff'], countKey: 'unit' },
  { href: '/tre-han', label: 'Trễ hạn', id: 'menu-tre-han', roles: ['leader', 'coordinator', 'admin'] },
  { href: '/bao-cao', label: 'Báo cáo', id: 'menu-bao-cao', roles: ['leader', 'coordinator', 'admin'] },
  { href: '/dieu-phoi/hoi-dap', label: 'Hỏi đáp', id: 'menu-hoi-dap', roles: ['coordinator', 'admin'] },
  { href: '/quan-tri', label: 'Quản trị', id: 'menu-quan-tri', roles: ['admin'] },
];

export interface NavModel {
  userName: string;
  roleLabel: string;
  role: Role;
  csrf: string;
  links: Array<{ href: string; label: string; id: string; current: boolean; countKey?: CountKey; count?: number; countText?: string; countCap?: number }>;
}

/** A header count as shown: the number, or "999+" past the cap (the count then stops at WAITING_COUNT_CAP + 1). */
export function countText(n: number): string {
  return n > WAITING_COUNT_CAP ? `${WAITING_COUNT_CAP}+` : String(n);
}

/**
 * The header of a staff page (layout.njk): who is signed in, the menu of their role with the current page marked,
 * the live counts (null: not known yet, filled by live.js) and the CSRF token of the sign-out form.
 */
export function staffNav(s: { user: AuthUser; csrf: string }, current: string, counts: Partial<Record<CountKey, number>> = {}): NavModel {
  return {
    userName: displayName(s.user),
    roleLabel: ROLE_LABELS[s.user.role],
    role: s.user.role,
    csrf: s.csrf,
    links: LINKS.filter((l) => l.roles.includes(s.user.role)).map((l) => ({
      href: l.href,
      label: l.label,
      id: l.id,
      current: current === l.href || current.startsWith(`${l.href}/`),
      ...(l.countKey ? { countKey: l.countKey, count: counts[l.countKey] ?? 0, countText: countText(counts[l.countKey] ?? 0), countCap: WAITING_COUNT_CAP } : {}),
    })),
  };
}
