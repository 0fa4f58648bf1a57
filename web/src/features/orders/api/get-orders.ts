import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { OrderList } from '@/lib/types';
import { orderKeys, type OrderFilters } from './keys';

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
