import { AUDIT_PAGE_MAX } from '@/lib/limits';
import type { AuditQuery } from '@/lib/types';

/** The page's filters from its address (`actor`, `target`, `limit`); blank ones are absent. */
export function readAuditFilters(sp: URLSearchParams): Omit<AuditQuery, 'cursor'> {
  const limit = Number(sp.get('limit'));
  return {
    actor: sp.get('actor')?.trim() || undefined,
    target: sp.get('target')?.trim() || undefined,
    // The gateway's default (50) unless the address asks for another size it takes.
    limit: Number.isInteger(limit) && limit >= 1 && limit <= AUDIT_PAGE_MAX ? limit : undefined,
  };
}

/** The colour of an answer's status: refused (4xx), failed (5xx) or done. */
export function statusTone(status: number): 'ok' | 'refused' | 'failed' {
  if (status >= 500) return 'failed';
  if (status >= 400) return 'refused';
  return 'ok';
}
