import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { auditKeys } from '@/lib/query-keys';
import type { AuditQuery } from '@/lib/types';

/** A page of the log, newest first; absent filters, the default page size and the first cursor are left out, never sent blank. */
export function getAudit(q: AuditQuery, signal?: AbortSignal) {
  return call(api.GET('/api/v1/audit', { params: { query: q }, signal }));
}

export function useAuditPage(q: AuditQuery) {
  return useQuery({
    queryKey: auditKeys.page(q),
    queryFn: ({ signal }) => getAudit(q, signal),
    placeholderData: keepPreviousData,
  });
}
