import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiFetch, seg } from '@/lib/api-client';
import type { ImportErrors, ImportList, ImportListQuery, Import } from '@/lib/types';
import { importKeys } from '@/lib/query-keys';
import { isActive } from '../components/import-progress';

export type ImportPage = ImportListQuery & { limit: number };

export const importPath = (id: string) => `/api/v1/orders/imports/${encodeURIComponent(id)}`;

export function getImports(p: ImportPage, signal?: AbortSignal): Promise<ImportList> {
  return apiFetch<ImportList>('/api/v1/orders/imports', { query: { limit: p.limit, cursor: p.cursor }, signal });
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

export function getImport(id: string, signal?: AbortSignal): Promise<Import> {
  return apiFetch<Import>(`/api/v1/orders/imports/${seg(id)}`, { signal });
}

/**
 * One import. The SSE watch carries a running import; this query polls
 * only while it is finished but its mail is still being delivered (10/s).
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

export function getImportErrors(id: string, signal?: AbortSignal): Promise<ImportErrors> {
  return apiFetch<ImportErrors>(`/api/v1/orders/imports/${seg(id)}/errors`, { signal });
}

export function useImportErrors(id: string, enabled: boolean) {
  return useQuery({
    queryKey: importKeys.errors(id),
    queryFn: ({ signal }) => getImportErrors(id, signal),
    enabled,
    staleTime: Infinity,
  });
}

export const importErrorsCsvUrl = (id: string) => `${importPath(id)}/errors?format=csv`;
