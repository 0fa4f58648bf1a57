import type { Id, OrderStatus } from '@/lib/types';

/** Date order of the list, applied by the gateway (`order=`). */
export type Sort = 'desc' | 'asc';

export type OrderFilters = {
  status?: OrderStatus;
  customer_email?: string;
  batch_id?: string;
  limit: number;
  /** Newest first when absent. */
  order?: Sort;
  cursor?: string;
};

export const orderKeys = {
  all: ['orders'] as const,
  lists: () => [...orderKeys.all, 'list'] as const,
  list: (f: OrderFilters) => [...orderKeys.lists(), f] as const,
  details: () => [...orderKeys.all, 'detail'] as const,
  detail: (id: Id) => [...orderKeys.details(), String(id)] as const,
  stats: (tzOffset: number) => [...orderKeys.all, 'stats', tzOffset] as const,
};
