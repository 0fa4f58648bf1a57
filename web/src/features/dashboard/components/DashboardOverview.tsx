import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Card } from '@/components/ui/Card';
import { StatTile, ValueSkeleton } from '@/components/ui/StatTile';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { formatNumber, formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { useOrderStats } from '../api/get-order-stats';
import { RevenueChart } from './RevenueChart';
import { StatusBreakdown } from './StatusBreakdown';

/**
 * The dashboard: revenue and order figures from `/orders/stats`, laid out
 * with what other features show in it (the page passes those in).
 */
export function DashboardOverview({ queue, health, recentOrders }: { queue: ReactNode; health: ReactNode; recentOrders: ReactNode }) {
  const { t, lang } = useI18n();
  const stats = useOrderStats();
  const weekTotal = stats.data?.revenue_by_day.reduce((s, d) => s + d.amount, 0) ?? 0;

  return (
    <>
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        <StatTile
          testId="stat-revenue-today"
          label={t('dashboard.revenueToday')}
          value={stats.data ? formatYen(stats.data.revenue_today) : stats.isError ? '—' : <ValueSkeleton />}
          sub={stats.data && t('dashboard.ordersCount', { count: stats.data.revenue_by_day.at(-1)?.orders ?? 0 })}
        />
        <StatTile
          testId="stat-total-orders"
          label={t('dashboard.totalOrders')}
          value={stats.data ? formatNumber(stats.data.total_orders, lang) : stats.isError ? '—' : <ValueSkeleton />}
          sub={
            stats.data &&
            ((stats.data.by_status.payment_failed ?? 0) > 0 ? (
              <Link to="/orders?status=payment_failed" className="text-rose-600 hover:underline">
                {t('dashboard.paymentFailed', { count: formatNumber(stats.data.by_status.payment_failed ?? 0, lang) })} →
              </Link>
            ) : (
              t('dashboard.noFailures')
            ))
          }
        />
        <div className="col-span-2 lg:col-span-1">{queue}</div>
        <div className="col-span-2 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5 lg:col-span-1 lg:row-span-2">
          <p className="mb-3 text-xs font-medium text-slate-500">{t('dashboard.health')}</p>
          {health}
        </div>

        <Card className="col-span-2 lg:col-span-3" title={t('dashboard.revenue7d')} actions={stats.data && <span className="text-xs text-slate-500 tabular-nums">{t('dashboard.revenue7dTotal', { amount: formatYen(weekTotal) })}</span>}>
          {stats.isPending ? (
            <LoadingState />
          ) : stats.isError ? (
            <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
          ) : (
            <>
              <RevenueChart days={stats.data.revenue_by_day} />
              {weekTotal === 0 && <p className="-mt-2 text-center text-xs text-slate-400">{t('dashboard.noRevenue')}</p>}
            </>
          )}
        </Card>
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        <Card title={t('dashboard.byStatus')}>
          {stats.isPending ? <LoadingState /> : stats.isError ? <ErrorState error={stats.error} /> : <StatusBreakdown byStatus={stats.data.by_status} />}
        </Card>
        <div className="min-w-0 lg:col-span-2">{recentOrders}</div>
      </div>
    </>
  );
}
