import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { browserTzOffsetMinutes } from '@/lib/format';
import { orderKeys } from '@/lib/query-keys';

export function getOrderStats(tzOffsetMinutes: number, signal?: AbortSignal) {
  return call(api.GET('/api/v1/orders/stats', { params: { query: { tz_offset_minutes: tzOffsetMinutes } }, signal }));
}

export function useOrderStats() {
  const tz = browserTzOffsetMinutes();
  return useQuery({
    queryKey: orderKeys.stats(tz),
    queryFn: ({ signal }) => getOrderStats(tz, signal),
    refetchInterval: 15_000,
  });
}
