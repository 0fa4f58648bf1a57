import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys } from '@/lib/query-keys';

/** Failed notifications per page (the gateway's default). */
export const FAILED_PAGE_SIZE = 50;

/** One page of the failed notifications, newest first. */
export function getFailedNotifications(cursor: string | undefined, signal?: AbortSignal) {
  return call(api.GET('/api/v1/notifications', { params: { query: { status: 'failed', limit: FAILED_PAGE_SIZE, cursor } }, signal }));
}

/**
 * The failed notifications, page after page ("load more"). Polled: a retried
 * one leaves the list when it is queued, and comes back if it fails again.
 */
export function useFailedNotifications() {
  return useInfiniteQuery({
    queryKey: notificationKeys.failed(),
    queryFn: ({ pageParam, signal }) => getFailedNotifications(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: 5000,
  });
}
