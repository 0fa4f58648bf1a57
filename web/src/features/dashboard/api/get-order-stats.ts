import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import { browserTzOffsetMinutes } from '@/lib/format';
import type { OrderStats } from '@/lib/types';
import { orderKeys } from '@/lib/query-keys';

export function getOrderStats(tzOffsetMinutes: number, signal?: AbortSignal): Promise<OrderStats> {
  return apiFetch<OrderStats>('/api/v1/orders/stats', { query: { tz_offset_minutes: tzOffsetMinutes }, signal });
}

export function useOrderStats() {
  const tz = browserTzOffsetMinutes();
  return useQuery({
    queryKey: orderKeys.stats(tz),
    queryFn: ({ signal }) => getOrderStats(tz, signal),
    refetchInterval: 15_000,
  });
}
