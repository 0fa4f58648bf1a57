import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, buildUrl, call } from '@/lib/api-client';
import { importKeys } from '@/lib/query-keys';
import type { ImportListQuery } from '@/lib/types';
import { isActive } from '../components/import-progress';

export type ImportPage = ImportListQuery & { limit: number };

export function getImports(p: ImportPage, signal?: AbortSignal) {
  return call(api.GET('/api/v1/orders/imports', { params: { query: p }, signal }));
}

/** The history; polled while one of its imports still runs. */
export function useImports(p: ImportPage) {
  return useQuery({
    queryKey: importKeys.list(p),
    queryFn: ({ signal }) => getImports(p, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.imports.some((i) => isActive(i.status)) ? 2000 : false),
  });
}

export function getImport(id: string, signal?: AbortSignal) {
  return call(api.GET('/api/v1/orders/imports/{id}', { params: { path: { id } }, signal }));
}

/**
 * One import. The SSE watch carries a running import; this query polls
 * only while it is finished but its mail is still being delivered (at the
 * queue's `rate_per_second`).
 */
export function useImport(id: string) {
  return useQuery({
    queryKey: importKeys.detail(id),
    queryFn: ({ signal }) => getImport(id, signal),
    refetchInterval: (q) => {
      const d = q.state.data;
      return d && !isActive(d.status) && d.notifications_sent < d.notifications_queued ? 2000 : false;
    },
  });
}

export function getImportErrors(id: string, signal?: AbortSignal) {
  return call(api.GET('/api/v1/orders/imports/{id}/errors', { params: { path: { id } }, signal }));
}

export function useImportErrors(id: string, enabled: boolean) {
  return useQuery({
    queryKey: importKeys.errors(id),
    queryFn: ({ signal }) => getImportErrors(id, signal),
    enabled,
    staleTime: Infinity,
  });
}

/** The refused rows as a CSV file (`row,column,code,reason`), for a download link. */
export const importErrorsCsvUrl = (id: string) => buildUrl(`/api/v1/orders/imports/${encodeURIComponent(id)}/errors`, { format: 'csv' });
