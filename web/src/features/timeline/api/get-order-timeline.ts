import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { timelineKeys } from '@/lib/query-keys';
import type { OrderId } from '@/lib/types';

export function getOrderTimeline(orderId: OrderId, signal?: AbortSignal) {
  return call(api.GET('/api/v1/orders/{id}/timeline', { params: { path: { id: orderId } }, signal }));
}

/** How long after the order last changed its timeline is expected to grow (mails, payment events). */
const WATCH_MS = 60_000;

/**
 * An order's timeline, gathered by the gateway from every service. What an
 * order change sets off (a mail, a payment event) lands a moment later, so
 * it is polled for a minute after `changedAt`, and while some source did
 * not answer.
 */
export function useOrderTimeline(orderId: OrderId, changedAt?: string) {
  return useQuery({
    queryKey: [...timelineKeys.byOrder(orderId), changedAt ?? ''],
    queryFn: ({ signal }) => getOrderTimeline(orderId, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => {
      if (q.state.status === 'error') return false;
      const recent = changedAt !== undefined && Date.now() - Date.parse(changedAt) < WATCH_MS;
      if (recent) return 3000;
      return (q.state.data?.unavailable.length ?? 0) > 0 ? 10_000 : false;
    },
  });
}
