import type { Role } from '../users/user.entity.js';
import type { TicketStatus } from './ticket.entity.js';

export const TICKET_ACTIONS = ['assign', 'accept', 'return', 'resolve', 'close', 'reject', 'reopen'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export interface TransitionRule {
  /** Statuses the action may start from. */
  from: readonly TicketStatus[];
  /** Status after the action; 'unit_or_queue' = 'assigned' when the ticket has an active unit, else 'received'. */
  to: TicketStatus | 'unit_or_queue';
  /** Roles allowed to take it (unit_staff only on tickets of their own unit). */
  roles: readonly Role[];
}

/** The ticket lifecycle, as data: the only place that says which change is allowed from where and by whom. */
export const TRANSITIONS: Record<TicketAction, TransitionRule> = {
  assign: { from: ['received', 'assigned', 'in_progress'], to: 'assigned', roles: ['coordinator', 'admin'] },
  accept: { from: ['assigned'], to: 'in_progress', roles: ['unit_staff'] },
  return: { from: ['assigned', 'in_progress'], to: 'received', roles: ['unit_staff'] },
  resolve: { from: ['in_progress'], to: 'resolved', roles: ['unit_staff'] },
  close: { from: ['resolved'], to: 'closed', roles: ['coordinator', 'admin'] },
  reject: { from: ['received', 'assigned', 'in_progress'], to: 'rejected', roles: ['coordinator', 'admin'] },
  reopen: { from: ['resolved', 'closed', 'rejected'], to: 'unit_or_queue', roles: ['coordinator', 'admin'] },
};

export const STATUS_LABELS: Record<TicketStatus, string> = {
  received: 'Chờ phân công',
  assigned: 'Đã chuyển đơn vị xử lý',
  in_progress: 'Đang xử lý',
  resolved: 'Đã xử lý',
  closed: 'Đã kết thúc',
  rejected: 'Không xử lý',
};

export const ACTION_LABELS: Record<TicketAction, string> = {
  assign: 'phân công',
  accept: 'tiếp nhận',
  return: 'trả lại điều phối viên',
  resolve: 'báo cáo kết quả xử lý',
  close: 'kết thúc',
  reject: 'từ chối',
  reopen: 'mở lại',
};

/** How staff pages name each channel (the registry: channels.ts). */
export { CHANNEL_LABELS } from './channels.js';

export const REJECT_REASON_LABELS = {
  spam: 'Tin rác, quấy rối',
  out_of_scope: 'Không thuộc phạm vi tiếp nhận',
  duplicate: 'Trùng với phản ánh khác',
} as const;
