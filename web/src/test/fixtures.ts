import type { Import } from '@/lib/types';

/** An import as the gateway answers it, running, 0 of 100 rows. */
export function makeImport(patch: Partial<Import> = {}): Import {
  return {
    id: '0190a1b2-0000-7000-8000-000000000001',
    status: 'running',
    file_name: 'orders.csv',
    submitted_by: 'anonymous',
    dry_run: false,
    digest: false,
    encoding: 'utf-8',
    total_rows: 100,
    processed_rows: 0,
    succeeded_rows: 0,
    failed_rows: 0,
    orders_created: 0,
    payments_total_amount: 0,
    notifications_queued: 0,
    notifications_sent: 0,
    created_at: '2025-04-01T00:00:00Z',
    started_at: '2025-04-01T00:00:00Z',
    finished_at: null,
    error: null,
    ...patch,
  };
}
