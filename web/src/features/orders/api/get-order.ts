import { useQuery } from '@tanstack/react-query';
import { apiFetch, seg } from '@/lib/api-client';
import type { Id, Order } from '@/lib/types';
import { orderKeys } from '@/lib/query-keys';

export function getOrder(id: Id, signal?: AbortSignal): Promise<Order> {
  return apiFetch<Order>(`/api/v1/orders/${seg(id)}`, { signal });
}

export function useOrder(id: Id) {
  return useQuery({
    queryKey: orderKeys.detail(id),
    queryFn: ({ signal }) => getOrder(id, signal),
    // A payment in flight settles by webhook: keep looking until it has.
    refetchInterval: (q) => (q.state.data?.status === 'payment_processing' || q.state.data?.status === 'pending' ? 2000 : false),
  });
}
