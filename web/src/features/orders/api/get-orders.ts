import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { orderKeys } from '@/lib/query-keys';
import type { OrderListQuery } from '@/lib/types';

/** Date order of the list, applied by the gateway (`order=`). */
export type Sort = NonNullable<OrderListQuery['order']>;

/** The list's query; the page size is always sent (newest first when `order` is absent). */
export type OrderFilters = OrderListQuery & { limit: number };

/** Absent filters and the first page's cursor are left out of the query, never sent blank. */
export function getOrders(f: OrderFilters, signal?: AbortSignal) {
  return call(api.GET('/api/v1/orders', { params: { query: f }, signal }));
}

export function useOrders(f: OrderFilters, opts: { refetchInterval?: number } = {}) {
  return useQuery({
    queryKey: orderKeys.list(f),
    queryFn: ({ signal }) => getOrders(f, signal),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval,
  });
}
