import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys } from '@/lib/query-keys';
import type { OrderId } from '@/lib/types';

export function getOrderNotifications(orderId: OrderId, signal?: AbortSignal) {
  return call(api.GET('/api/v1/notifications/order/{order_id}', { params: { path: { order_id: orderId } }, signal }));
}

/**
 * Notifications are created and delivered asynchronously (a rate-limited
 * queue), so the log is polled while a message waits and, with `watch`,
 * for a while after the order last changed.
 */
export function useOrderNotifications(orderId: OrderId, { watch = false }: { watch?: boolean } = {}) {
  return useQuery({
    queryKey: notificationKeys.byOrder(orderId),
    queryFn: ({ signal }) => getOrderNotifications(orderId, signal),
    refetchInterval: (q) => (watch || q.state.data?.some((n) => n.status === 'queued') ? 2000 : false),
  });
}
