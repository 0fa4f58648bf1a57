/**
 * What each role may do, mirroring the gateway's rule (the server enforces
 * it; the admin only leaves out what would be refused). Roles are ordered,
 * each including the ones before it; a capability names the lowest role
 * that has it. This table is the one place the UI decides from a role.
 */
import type { Role } from './types';

/** Every role, lowest first (the order of `Role` in the document). */
export const ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly Role[];

export const MIN_ROLE = {
  /** Read orders, payments, notifications, imports, templates, stats. */
  read: 'viewer',
  'orders.create': 'operator',
  'orders.cancel': 'operator',
  /** Mark shipped / delivered. */
  'orders.status': 'operator',
  'imports.run': 'operator',
  'notifications.send': 'operator',
  /** Retry a failed notification or a dead-lettered event (one or all). */
  'deliveries.retry': 'operator',
  'payments.create': 'admin',
  'payments.refund': 'admin',
  'templates.edit': 'admin',
  'users.manage': 'admin',
  'keys.manage': 'admin',
  'audit.read': 'admin',
} as const satisfies Record<string, Role>;

export type Capability = keyof typeof MIN_ROLE;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Whether `role` may do `capability`; no role (signed out) may do nothing. */
export function can(role: Role | undefined | null, capability: Capability): boolean {
  if (!role || !ROLES.includes(role)) return false;
  return roleRank(role) >= roleRank(MIN_ROLE[capability]);
}
