import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/ui/Button';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { formatDateTime, formatNumber, formatYen } from '@/lib/format';
import { formatActor } from '@/lib/actor';
import { useI18n } from '@/lib/i18n';
import type { Import } from '@/lib/types';
import { useImports } from '../api/get-imports';
import { ImportStatusBadge } from './ImportStatusBadge';

const detailPath = (i: Import) => `/imports/${encodeURIComponent(i.id)}`;

/** Past imports, newest first, one page at a time (cursor pagination). */
export function ImportHistory({ limit = 10 }: { limit?: number }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const q = useImports({ limit, cursor: cursors.at(-1) });
  const page = cursors.length;
  const n = (v: number) => formatNumber(v, lang);

  return (
    <section className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200" data-testid="import-history">
      <header className="border-b border-slate-100 px-4 py-3 sm:px-5">
        <h2 className="text-sm font-semibold text-slate-900">{t('import.history')}</h2>
      </header>
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <div className="p-4"><ErrorState error={q.error} onRetry={() => void q.refetch()} /></div>
      ) : q.data.imports.length === 0 ? (
        <EmptyState title={t('import.historyEmpty')} />
      ) : (
        <div className={q.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
          <table className="hidden w-full text-left text-sm md:table">
            <thead className="border-b border-slate-200 text-xs font-medium text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3 pl-4 sm:pl-5">{t('import.col.date')}</th>
                <th scope="col" className="px-3 py-2">{t('import.col.file')}</th>
                <th scope="col" className="px-3 py-2">{t('import.col.status')}</th>
                <th scope="col" className="px-3 py-2 text-right">{t('import.col.rows')}</th>
                <th scope="col" className="px-3 py-2 text-right">{t('import.col.failed')}</th>
                <th scope="col" className="px-3 py-2 text-right">{t('import.col.orders')}</th>
                <th scope="col" className="py-2 pr-4 pl-3 text-right sm:pr-5">{t('import.col.amount')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {q.data.imports.map((i) => (
                <tr
                  key={i.id}
                  className="cursor-pointer hover:bg-slate-50"
                  onClick={(e) => {
                    if (!(e.target instanceof HTMLAnchorElement)) void navigate(detailPath(i));
                  }}
                  data-testid="import-row"
                  data-import-id={i.id}
                >
                  <td className="py-2.5 pr-3 pl-4 whitespace-nowrap text-slate-600 tabular-nums sm:pl-5">{formatDateTime(i.created_at, lang)}</td>
                  <td className="max-w-[16rem] px-3 py-2.5">
                    <Link to={detailPath(i)} className="block truncate font-medium text-indigo-600 hover:underline">{i.file_name}</Link>
                    <p className="truncate text-xs text-slate-500" title={i.submitted_by}>{formatActor(i.submitted_by, lang)}{i.digest && ` · ${t('import.digestShort')}`}</p>
                  </td>
                  <td className="px-3 py-2.5"><ImportStatusBadge status={i.status} /></td>
                  <td className="px-3 py-2.5 text-right text-slate-600 tabular-nums">{n(i.processed_rows)} / {n(i.total_rows)}</td>
                  <td className={i.failed_rows > 0 ? 'px-3 py-2.5 text-right font-medium text-rose-700 tabular-nums' : 'px-3 py-2.5 text-right text-slate-400 tabular-nums'}>{n(i.failed_rows)}</td>
                  <td className="px-3 py-2.5 text-right text-slate-600 tabular-nums">{n(i.orders_created)}</td>
                  <td className="py-2.5 pr-4 pl-3 text-right font-medium whitespace-nowrap text-slate-900 tabular-nums sm:pr-5">{formatYen(i.payments_total_amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="divide-y divide-slate-100 md:hidden">
            {q.data.imports.map((i) => (
              <li key={i.id}>
                <Link to={detailPath(i)} className="flex items-center gap-3 px-4 py-3 active:bg-slate-50" data-testid="import-card">
                  <div className="min-w-0 flex-1">
                    <div className="flex items-center gap-2">
                      <span className="truncate text-sm font-medium text-slate-900">{i.file_name}</span>
                      <ImportStatusBadge status={i.status} />
                    </div>
                    <p className="mt-0.5 text-xs text-slate-500 tabular-nums">
                      {formatDateTime(i.created_at, lang)} · {t('import.cardRows', { orders: n(i.orders_created), failed: n(i.failed_rows) })}
                    </p>
                  </div>
                  <span className="text-sm font-semibold whitespace-nowrap text-slate-900 tabular-nums">{formatYen(i.payments_total_amount)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
      <nav className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3 sm:px-5" aria-label="pagination">
        <span className="text-xs text-slate-500" data-testid="import-page-number">{t('orders.page', { page })}</span>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" disabled={page <= 1} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="imports-prev">
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
            data-testid="imports-next"
          >
            {t('orders.next')} →
          </Button>
        </div>
      </nav>
    </section>
  );
}
