import type { Order } from '@/lib/types';

export type Sort = 'desc' | 'asc';

/** Orders of one page in the chosen date order (the API pages newest first); ties broken by id. */
export function sortOrders(orders: readonly Order[], sort: Sort): Order[] {
  const dir = sort === 'asc' ? 1 : -1;
  return [...orders].sort((a, b) => {
    const d = Date.parse(a.created_at) - Date.parse(b.created_at);
    if (d !== 0) return dir * d;
    return dir * String(a.id).localeCompare(String(b.id), undefined, { numeric: true });
  });
}
