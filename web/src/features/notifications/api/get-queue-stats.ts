import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys } from '@/lib/query-keys';

export function getQueueStats(signal?: AbortSignal) {
  return call(api.GET('/api/v1/notifications/stats', { signal }));
}

export function useQueueStats() {
  return useQuery({ queryKey: notificationKeys.stats(), queryFn: ({ signal }) => getQueueStats(signal), refetchInterval: 5_000 });
}
