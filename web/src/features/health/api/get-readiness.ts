import { useQuery } from '@tanstack/react-query';
import { ApiError, api, problemToError, send } from '@/lib/api-client';
import { healthKeys } from '@/lib/query-keys';
import type { Readiness } from '@/lib/types';

function isReadiness(v: unknown): v is Readiness {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Readiness>).services === 'object' && (v as Partial<Readiness>).services !== null;
}

/** `/readyz` answers 503 with the same body when a service is down: both are data. */
export async function getReadiness(signal?: AbortSignal): Promise<Readiness> {
  const { data, error, response } = await send(api.GET('/readyz', { signal }));
  const body = response.status === 503 ? error : data;
  if (!response.ok && response.status !== 503) throw problemToError(response.status, response.statusText, error);
  if (!isReadiness(body)) {
    throw new ApiError({ status: 503, code: 'NOT_READY', title: 'Not ready', detail: 'The gateway is not ready.' });
  }
  return body;
}

export function useReadiness() {
  return useQuery({ queryKey: healthKeys.readiness, queryFn: ({ signal }) => getReadiness(signal), refetchInterval: 10_000 });
}
