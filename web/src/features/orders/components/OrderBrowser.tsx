import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button } from '@/components/ui/Button';
import { Field, Input, Select } from '@/components/ui/Field';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { buttonClass } from '@/components/ui/styles';
import { useI18n } from '@/lib/i18n';
import { ORDERS_PAGE_MAX } from '@/lib/limits';
import { useCan } from '@/lib/session';
import { ORDER_STATUSES, type OrderStatus } from '@/lib/types';
import { useOrders, type OrderFilters, type Sort } from '../api/get-orders';
import { OrdersTable } from './OrdersTable';

const PAGE_SIZES = [20, 50, 100] as const;

function readFilters(sp: URLSearchParams): Omit<OrderFilters, 'cursor'> {
  const status = sp.get('status');
  const limit = Number(sp.get('limit'));
  return {
    status: ORDER_STATUSES.includes(status as OrderStatus) ? (status as OrderStatus) : undefined,
    customer_email: sp.get('email')?.trim() || undefined,
    batch_id: sp.get('batch')?.trim() || undefined,
    // Any page size the gateway takes may come in the URL; the menu offers the usual ones.
    limit: Number.isInteger(limit) && limit >= 1 && limit <= ORDERS_PAGE_MAX ? limit : PAGE_SIZES[0],
    // The gateway sorts (a page of the newest orders reversed is not the oldest ones).
    order: sp.get('sort') === 'asc' ? 'asc' : undefined,
  };
}

/**
 * The order list with its filters, kept in the URL (`status`, `email`,
 * `batch`, `limit`, `sort`), and cursor pagination.
 */
export function OrderBrowser() {
  const [sp, setSp] = useSearchParams();
  const filters = readFilters(sp);
  const sort: Sort = filters.order ?? 'desc';
  const filtersKey = JSON.stringify(filters);

  const setParams = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setSp(next, { replace: false });
  };

  return (
    <>
      <FilterBar key={`filters:${filtersKey}`} filters={filters} onApply={setParams} />
      {/* Keyed by the filters and the sort: changing them starts again at page one. */}
      <OrderResults key={`results:${filtersKey}`} filters={filters} sort={sort} onSort={(s) => setParams({ sort: s === 'asc' ? 'asc' : undefined })} onLimit={(n) => setParams({ limit: String(n) })} />
    </>
  );
}

function FilterBar({ filters, onApply }: { filters: Omit<OrderFilters, 'cursor'>; onApply: (p: Record<string, string | undefined>) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState(filters.customer_email ?? '');
  const [batch, setBatch] = useState(filters.batch_id ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ email: email.trim() || undefined, batch: batch.trim() || undefined });
  };
  const active = filters.status || filters.customer_email || filters.batch_id;
  return (
    <form onSubmit={submit} role="search" className="mb-4 grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-[12rem_1fr_1fr_auto]" data-testid="order-filters">
      <Field id="f-status" label={t('orders.filter.status')}>
        <Select id="f-status" value={filters.status ?? ''} onChange={(e) => onApply({ status: e.target.value || undefined })}>
          <option value="">{t('status.all')}</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>{t(`status.${s}`)}</option>
          ))}
        </Select>
      </Field>
      <Field id="f-email" label={t('orders.filter.email')}>
        <Input id="f-email" type="search" inputMode="email" value={email} placeholder={t('orders.filter.emailPlaceholder')} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field id="f-batch" label={t('orders.filter.batch')}>
        <Input id="f-batch" type="search" value={batch} placeholder={t('orders.filter.batchPlaceholder')} onChange={(e) => setBatch(e.target.value)} />
      </Field>
      <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-1">
        <Button type="submit" className="flex-1 lg:flex-none" data-testid="apply-filters">{t('orders.filter.search')}</Button>
        {active && (
          <Button variant="ghost" onClick={() => onApply({ status: undefined, email: undefined, batch: undefined })}>
            {t('orders.filter.clear')}
          </Button>
        )}
      </div>
    </form>
  );
}

function OrderResults({ filters, sort, onSort, onLimit }: { filters: Omit<OrderFilters, 'cursor'>; sort: Sort; onSort: (s: Sort) => void; onLimit: (n: number) => void }) {
  const { t } = useI18n();
  // Cursors of the pages visited so far; the last one is the page shown
  // (undefined: the first page). "Previous" pops, "next" pushes.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const q = useOrders({ ...filters, cursor });
  const page = cursors.length;
  const filtered = Boolean(filters.status || filters.customer_email || filters.batch_id);
  const canCreate = useCan('orders.create');

  const sortControl = (
    <button
      type="button"
      onClick={() => onSort(sort === 'desc' ? 'asc' : 'desc')}
      className="inline-flex items-center gap-1 font-medium hover:text-slate-900"
      title={t('orders.sortHint')}
      data-testid="sort-date"
      data-sort={sort}
    >
      {t('orders.col.date')}
      <span aria-hidden="true">{sort === 'desc' ? '↓' : '↑'}</span>
      <span className="sr-only">{sort === 'desc' ? t('orders.sortNewest') : t('orders.sortOldest')}</span>
    </button>
  );

  return (
    // Says which filters the rows answer and whether an answer is on its
    // way: a filter applied shows the old rows until the new ones arrive.
    <div
      className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200"
      data-testid="order-results"
      data-email={filters.customer_email ?? ''}
      data-status={filters.status ?? ''}
      data-batch={filters.batch_id ?? ''}
      aria-busy={q.isFetching}
    >
      <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2 md:hidden">
        <span className="text-xs text-slate-500">{sort === 'desc' ? t('orders.sortNewest') : t('orders.sortOldest')}</span>
        <Button variant="ghost" size="sm" onClick={() => onSort(sort === 'desc' ? 'asc' : 'desc')}>
          {sort === 'desc' ? '↓' : '↑'} {t('orders.sortHint')}
        </Button>
      </div>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <div className="p-4"><ErrorState error={q.error} onRetry={() => void q.refetch()} /></div>
      ) : q.data.orders.length === 0 ? (
        <EmptyState title={filtered ? t('orders.empty') : t('orders.emptyAll')}>
          {!filtered && canCreate && <Link to="/orders/new" className={buttonClass('primary', 'sm', 'mt-2')}>{t('dashboard.createFirst')}</Link>}
        </EmptyState>
      ) : (
        <div className={q.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
          <OrdersTable orders={q.data.orders} sortControl={sortControl} />
        </div>
      )}
      <nav className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 sm:px-5" aria-label="pagination">
        <div className="flex items-center gap-2 text-xs text-slate-500">
          <span data-testid="page-number">{t('orders.page', { page })}</span>
          <label className="ml-2 hidden items-center gap-1 sm:flex">
            {t('orders.pageSize')}
            <select className="rounded border-0 bg-transparent py-0 text-xs ring-1 ring-slate-200" value={filters.limit} onChange={(e) => onLimit(Number(e.target.value))}>
              {[...new Set([...PAGE_SIZES, filters.limit])].sort((a, b) => a - b).map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
        </div>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="prev-page">
            ← {t('orders.prev')}
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={!q.data?.next_cursor || q.isPlaceholderData}
            onClick={() => {
              const next = q.data?.next_cursor;
              if (next) setCursors((c) => [...c, next]);
            }}
            data-testid="next-page"
          >
            {t('orders.next')} →
          </Button>
        </div>
      </nav>
    </div>
  );
}
