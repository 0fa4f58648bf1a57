import { useQuery } from '@tanstack/react-query';
import { ApiError, apiFetch } from '@/lib/api-client';
import type { Readiness } from '@/lib/types';
import { healthKeys } from '@/lib/query-keys';

/** `/readyz` answers 503 with the same body when a service is down: both are data. */
export async function getReadiness(signal?: AbortSignal): Promise<Readiness> {
  const body = await apiFetch<Partial<Readiness> | undefined>('/readyz', { signal, acceptStatuses: [503] });
  if (!body || typeof body.services !== 'object' || body.services === null) {
    throw new ApiError({ status: 503, code: 'NOT_READY', title: 'Not ready', detail: 'The gateway is not ready.' });
  }
  return body as Readiness;
}

export function useReadiness() {
  return useQuery({ queryKey: healthKeys.readiness, queryFn: ({ signal }) => getReadiness(signal), refetchInterval: 10_000 });
}
