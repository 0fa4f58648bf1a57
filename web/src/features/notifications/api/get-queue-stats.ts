import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { QueueStats } from '@/lib/types';
import { notificationKeys } from '@/lib/query-keys';

export function getQueueStats(signal?: AbortSignal): Promise<QueueStats> {
  return apiFetch<QueueStats>('/api/v1/notifications/stats', { signal });
}

export function useQueueStats() {
  return useQuery({ queryKey: notificationKeys.stats(), queryFn: ({ signal }) => getQueueStats(signal), refetchInterval: 5_000 });
}
