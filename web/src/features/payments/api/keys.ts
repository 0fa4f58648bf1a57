import type { Id } from '@/lib/types';

export const paymentKeys = {
  all: ['payments'] as const,
  byOrder: (orderId: Id) => [...paymentKeys.all, 'order', String(orderId)] as const,
};
