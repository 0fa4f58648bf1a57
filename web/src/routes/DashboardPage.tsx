import { Link } from 'react-router';
import { Card } from '@/components/ui/Card';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { buttonClass } from '@/components/ui/styles';
import { RevenueChart } from '@/features/dashboard/components/RevenueChart';
import { StatusBreakdown } from '@/features/dashboard/components/StatusBreakdown';
import { HealthPanel } from '@/features/health/components/HealthPanel';
import { useQueueStats } from '@/features/notifications/api/get-queue-stats';
import { useOrderStats } from '@/features/orders/api/get-order-stats';
import { useOrders } from '@/features/orders/api/get-orders';
import { OrdersTable } from '@/features/orders/components/OrdersTable';
import { formatNumber, formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { ReactNode } from 'react';

function StatTile({ label, value, sub, testId, tone = 'text-slate-900', className = '' }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string; tone?: string; className?: string }) {
  return (
    <div className={`rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5 ${className}`} data-testid={testId}>
      <p className="text-xs font-medium text-slate-500">{label}</p>
      <p className={`mt-1 text-2xl font-bold tracking-tight tabular-nums ${tone}`}>{value}</p>
      {sub && <p className="mt-1 truncate text-xs text-slate-500">{sub}</p>}
    </div>
  );
}

function Skeleton() {
  return <span className="inline-block h-7 w-24 animate-pulse rounded bg-slate-100 align-middle" />;
}

export function DashboardPage() {
  const { t, lang } = useI18n();
  const stats = useOrderStats();
  const queue = useQueueStats();
  const recent = useOrders({ limit: 6 }, { refetchInterval: 15_000 });

  const weekTotal = stats.data?.revenue_by_day.reduce((s, d) => s + d.amount, 0) ?? 0;

  return (
    <>
      <PageHeader title={t('dashboard.title')} />
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        <StatTile
          testId="stat-revenue-today"
          label={t('dashboard.revenueToday')}
          value={stats.data ? formatYen(stats.data.revenue_today) : stats.isError ? '—' : <Skeleton />}
          sub={stats.data && t('dashboard.ordersCount', { count: stats.data.revenue_by_day.at(-1)?.orders ?? 0 })}
        />
        <StatTile
          testId="stat-total-orders"
          label={t('dashboard.totalOrders')}
          value={stats.data ? formatNumber(stats.data.total_orders, lang) : stats.isError ? '—' : <Skeleton />}
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
        <StatTile
          testId="stat-queue"
          className="col-span-2 lg:col-span-1"
          label={t('dashboard.queueDepth')}
          tone={queue.data && queue.data.queued > 0 ? 'text-amber-600' : 'text-slate-900'}
          value={queue.data ? t('dashboard.queued', { count: formatNumber(queue.data.queued, lang) }) : queue.isError ? '—' : <Skeleton />}
          sub={
            queue.data
              ? t('dashboard.queueDetail', { sent: formatNumber(queue.data.sent, lang), failed: formatNumber(queue.data.failed, lang), rate: queue.data.rate_per_second.toFixed(1) })
              : queue.isError && <span className="text-rose-600">{queue.error.message}</span>
          }
        />
        <div className="col-span-2 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5 lg:col-span-1 lg:row-span-2">
          <p className="mb-3 text-xs font-medium text-slate-500">{t('dashboard.health')}</p>
          <HealthPanel />
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
        <Card
          className="lg:col-span-2"
          title={t('dashboard.recentOrders')}
          actions={<Link to="/orders" className="text-xs font-medium text-indigo-600 hover:underline">{t('dashboard.seeAll')} →</Link>}
          bodyClassName="p-0 sm:p-0"
        >
          {recent.isPending ? (
            <LoadingState />
          ) : recent.isError ? (
            <div className="p-4"><ErrorState error={recent.error} onRetry={() => void recent.refetch()} /></div>
          ) : recent.data.orders.length === 0 ? (
            <EmptyState title={t('dashboard.noOrders')}>
              <Link to="/orders/new" className={buttonClass('primary', 'sm', 'mt-2')}>{t('dashboard.createFirst')}</Link>
            </EmptyState>
          ) : (
            <OrdersTable orders={recent.data.orders} compact />
          )}
        </Card>
      </div>
    </>
  );
}
