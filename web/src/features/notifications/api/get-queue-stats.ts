import { useQuery } from '@tanstack/react-query';
import { queueStatsQuery } from '@/lib/queue-stats';

/** The queue's figures, kept fresh (every 5 s) for the dashboard. */
export function useQueueStats() {
  return useQuery({ ...queueStatsQuery(), refetchInterval: 5_000 });
}
