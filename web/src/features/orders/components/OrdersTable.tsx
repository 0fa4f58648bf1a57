import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatDateTime, formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { Order } from '@/lib/types';
import { StatusBadge } from './StatusBadge';

const orderPath = (o: Order) => `/orders/${encodeURIComponent(String(o.id))}`;
const itemCount = (o: Order) => o.items.reduce((n, it) => n + it.quantity, 0);

/** A table on wide screens, a list of cards on phones. */
export function OrdersTable({ orders, compact = false, sortControl }: { orders: Order[]; compact?: boolean; sortControl?: ReactNode }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  return (
    <>
      <div className="hidden md:block">
        <table className="w-full text-left text-sm" data-testid="orders-table">
          <thead className="border-b border-slate-200 text-xs font-medium text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-3 pl-4 sm:pl-5">{t('orders.col.id')}</th>
              <th scope="col" className="px-3 py-2">{sortControl ?? t('orders.col.date')}</th>
              <th scope="col" className="px-3 py-2">{t('orders.col.customer')}</th>
              {!compact && <th scope="col" className="px-3 py-2 text-right">{t('orders.col.items')}</th>}
              <th scope="col" className="px-3 py-2 text-right">{t('orders.col.total')}</th>
              <th scope="col" className="py-2 pr-4 pl-3 sm:pr-5">{t('orders.col.status')}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {orders.map((o) => (
              <tr
                key={String(o.id)}
                className="cursor-pointer hover:bg-slate-50"
                onClick={(e) => {
                  if (!(e.target instanceof HTMLAnchorElement)) void navigate(orderPath(o));
                }}
                data-testid="order-row"
                data-order-id={String(o.id)}
              >
                <td className="py-2.5 pr-3 pl-4 font-mono text-xs sm:pl-5">
                  <Link to={orderPath(o)} className="font-semibold text-indigo-600 hover:underline">#{o.id}</Link>
                </td>
                <td className="px-3 py-2.5 whitespace-nowrap text-slate-600 tabular-nums">{formatDateTime(o.created_at, lang)}</td>
                <td className="max-w-[16rem] px-3 py-2.5">
                  <p className="truncate font-medium text-slate-900">{o.customer_name}</p>
                  {!compact && <p className="truncate text-xs text-slate-500">{o.customer_email}</p>}
                </td>
                {!compact && <td className="px-3 py-2.5 text-right text-slate-600 tabular-nums">{t('orders.itemsCount', { count: itemCount(o) })}</td>}
                <td className="px-3 py-2.5 text-right font-medium whitespace-nowrap text-slate-900 tabular-nums">{formatYen(o.total_amount)}</td>
                <td className="py-2.5 pr-4 pl-3 sm:pr-5"><StatusBadge status={o.status} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="divide-y divide-slate-100 md:hidden" data-testid="orders-list">
        {orders.map((o) => (
          <li key={String(o.id)}>
            <Link to={orderPath(o)} className="flex items-center gap-3 px-4 py-3 active:bg-slate-50" data-testid="order-card">
              <div className="min-w-0 flex-1">
                <div className="flex items-center gap-2">
                  <span className="font-mono text-xs font-semibold text-indigo-600">#{o.id}</span>
                  <StatusBadge status={o.status} />
                </div>
                <p className="mt-1 truncate text-sm font-medium text-slate-900">{o.customer_name}</p>
                <p className="text-xs text-slate-500 tabular-nums">{formatDateTime(o.created_at, lang)}</p>
              </div>
              <span className="text-sm font-semibold whitespace-nowrap text-slate-900 tabular-nums">{formatYen(o.total_amount)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
