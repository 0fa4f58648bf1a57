import { useQuery } from '@tanstack/react-query';
import { apiFetch, seg } from '@/lib/api-client';
import type { Id, Notification } from '@/lib/types';
import { notificationKeys } from '@/lib/query-keys';

export function getOrderNotifications(orderId: Id, signal?: AbortSignal): Promise<Notification[]> {
  return apiFetch<Notification[]>(`/api/v1/notifications/order/${seg(orderId)}`, { signal });
}

/**
 * Notifications are created and delivered asynchronously (a rate-limited
 * queue), so the log is polled while a message waits and, with `watch`,
 * for a while after the order last changed.
 */
export function useOrderNotifications(orderId: Id, { watch = false }: { watch?: boolean } = {}) {
  return useQuery({
    queryKey: notificationKeys.byOrder(orderId),
    queryFn: ({ signal }) => getOrderNotifications(orderId, signal),
    refetchInterval: (q) => (watch || q.state.data?.some((n) => n.status === 'queued') ? 2000 : false),
  });
}
