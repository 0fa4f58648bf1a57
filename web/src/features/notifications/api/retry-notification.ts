import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys, timelineKeys } from '@/lib/query-keys';
import type { Notification } from '@/lib/types';

export function retryNotification(id: Notification['id']) {
  return call(api.POST('/api/v1/notifications/{id}/retry', { params: { path: { id } } }));
}

export function retryFailedNotifications() {
  return call(api.POST('/api/v1/notifications/retry-failed'));
}

/** A retry changes the failed list, the order's log, the queue counts and the order's timeline. */
function refresh(qc: QueryClient, orderId?: Notification['order_id']) {
  void qc.invalidateQueries({ queryKey: notificationKeys.all });
  void qc.invalidateQueries({ queryKey: orderId === undefined ? timelineKeys.all : timelineKeys.byOrder(orderId) });
}

/** Queues one failed notification again; the component words the outcome (a 409 is not an error to the operator). */
export function useRetryNotification() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (n: Pick<Notification, 'id' | 'order_id'>) => retryNotification(n.id),
    meta: { inlineError: true },
    onSettled: (_data, _error, n) => refresh(qc, n.order_id),
  });
}

/** Queues every failed notification again. */
export function useRetryFailedNotifications() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: retryFailedNotifications,
    onSettled: () => refresh(qc),
  });
}
