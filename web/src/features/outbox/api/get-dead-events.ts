import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { outboxKeys } from '@/lib/query-keys';
import type { OutboxService } from '@/lib/types';

/** Events per page (the gateway's default). */
export const DEAD_PAGE_SIZE = 50;

/** One page of a service's dead-lettered events, newest first. */
export function getDeadEvents(service: OutboxService, cursor: string | undefined, signal?: AbortSignal) {
  return call(
    api.GET('/api/v1/outbox/{service}/events', {
      params: { path: { service }, query: { status: 'dead', limit: DEAD_PAGE_SIZE, cursor } },
      signal,
    }),
  );
}

/**
 * A service's dead letters, page after page. Polled while it answers: a
 * retried event leaves the list, and comes back if it dies again.
 */
export function useDeadEvents(service: OutboxService) {
  return useInfiniteQuery({
    queryKey: outboxKeys.dead(service),
    queryFn: ({ pageParam, signal }) => getDeadEvents(service, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (q) => (q.state.status === 'error' ? false : 5000),
  });
}
