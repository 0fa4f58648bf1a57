import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { orderKeys } from '@/lib/query-keys';
import type { OrderId } from '@/lib/types';

export function getOrder(id: OrderId, signal?: AbortSignal) {
  return call(api.GET('/api/v1/orders/{id}', { params: { path: { id } }, signal }));
}

export function useOrder(id: OrderId) {
  return useQuery({
    queryKey: orderKeys.detail(id),
    queryFn: ({ signal }) => getOrder(id, signal),
    // A payment in flight settles by webhook: keep looking until it has.
    refetchInterval: (q) => (q.state.data?.status === 'payment_processing' || q.state.data?.status === 'pending' ? 2000 : false),
  });
}
