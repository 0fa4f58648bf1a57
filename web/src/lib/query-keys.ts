/**
 * The query keys of every feature, in one place. They are the contract of
 * the shared cache: a feature that changes another's data (cancelling an
 * order refunds its payment and queues a mail) invalidates that feature's
 * answers through these keys, never by importing the other feature.
 */
import type { AuditQuery, ImportListQuery, OrderId, OrderListQuery, OutboxService } from './types';

export const orderKeys = {
  all: ['orders'] as const,
  lists: () => [...orderKeys.all, 'list'] as const,
  list: (q: OrderListQuery) => [...orderKeys.lists(), q] as const,
  details: () => [...orderKeys.all, 'detail'] as const,
  detail: (id: OrderId) => [...orderKeys.details(), String(id)] as const,
  stats: (tzOffset: number) => [...orderKeys.all, 'stats', tzOffset] as const,
};

export const paymentKeys = {
  all: ['payments'] as const,
  byOrder: (orderId: OrderId) => [...paymentKeys.all, 'order', String(orderId)] as const,
};

export const notificationKeys = {
  all: ['notifications'] as const,
  byOrder: (orderId: OrderId) => [...notificationKeys.all, 'order', String(orderId)] as const,
  templates: () => [...notificationKeys.all, 'templates'] as const,
  stats: () => [...notificationKeys.all, 'stats'] as const,
  /** The failed ones, page after page (the operations page). */
  failed: () => [...notificationKeys.all, 'failed'] as const,
};

/** The outboxes' events (dead letters) of each service. */
export const outboxKeys = {
  all: ['outbox'] as const,
  dead: (service: OutboxService) => [...outboxKeys.all, service, 'dead'] as const,
};

/** An order's timeline, gathered from every service. */
export const timelineKeys = {
  all: ['timeline'] as const,
  byOrder: (orderId: OrderId) => [...timelineKeys.all, String(orderId)] as const,
};

export const importKeys = {
  all: ['imports'] as const,
  lists: () => [...importKeys.all, 'list'] as const,
  list: (q: ImportListQuery) => [...importKeys.lists(), q] as const,
  detail: (id: string) => [...importKeys.all, 'detail', id] as const,
  errors: (id: string) => [...importKeys.all, 'errors', id] as const,
};

export const healthKeys = {
  readiness: ['health', 'readiness'] as const,
};

export const authKeys = {
  all: ['auth'] as const,
  /** Who is signed in (`GET /api/v1/auth/me`). */
  me: () => [...authKeys.all, 'me'] as const,
  users: () => [...authKeys.all, 'users'] as const,
  apiKeys: () => [...authKeys.all, 'api-keys'] as const,
};

export const auditKeys = {
  all: ['audit'] as const,
  page: (q: AuditQuery) => [...auditKeys.all, q] as const,
};
