import type { Id } from '@/lib/types';

export const notificationKeys = {
  all: ['notifications'] as const,
  byOrder: (orderId: Id) => [...notificationKeys.all, 'order', String(orderId)] as const,
  templates: () => [...notificationKeys.all, 'templates'] as const,
  stats: () => [...notificationKeys.all, 'stats'] as const,
};
