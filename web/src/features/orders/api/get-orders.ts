import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { OrderList, OrderListQuery } from '@/lib/types';
import { orderKeys } from '@/lib/query-keys';

/** Date order of the list, applied by the gateway (`order=`). */
export type Sort = NonNullable<OrderListQuery['order']>;

/** The list's query; the page size is always sent (newest first when `order` is absent). */
export type OrderFilters = OrderListQuery & { limit: number };

export function getOrders(f: OrderFilters, signal?: AbortSignal): Promise<OrderList> {
  return apiFetch<OrderList>('/api/v1/orders', {
    query: { status: f.status, customer_email: f.customer_email, batch_id: f.batch_id, limit: f.limit, order: f.order, cursor: f.cursor },
    signal,
  });
}

export function useOrders(f: OrderFilters, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: orderKeys.list(f),
    queryFn: ({ signal }) => getOrders(f, signal),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval,
  });
}
