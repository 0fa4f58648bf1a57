import { useQuery } from '@tanstack/react-query';
import { queueStatsQuery } from '@/lib/queue-stats';

/**
 * How many mails a second the notification service sends
 * (`rate_per_second` of the queue stats); undefined until known.
 */
export function useSendingRate(): number | undefined {
  return useQuery({ ...queueStatsQuery(), select: (s) => s.rate_per_second, staleTime: 60_000 }).data;
}
