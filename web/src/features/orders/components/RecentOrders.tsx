import { Link } from 'react-router';
import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { buttonClass } from '@/components/ui/styles';
import { useI18n } from '@/lib/i18n';
import { useCan } from '@/lib/session';
import { useOrders } from '../api/get-orders';
import { OrdersTable } from './OrdersTable';

/** The newest orders, refreshed every 15 s. */
export function RecentOrders({ className }: { className?: string }) {
  const { t } = useI18n();
  const canCreate = useCan('orders.create');
  const recent = useOrders({ limit: 6 }, { refetchInterval: 15_000 });
  return (
    <Card
      className={className}
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
          {canCreate && <Link to="/orders/new" className={buttonClass('primary', 'sm', 'mt-2')}>{t('dashboard.createFirst')}</Link>}
        </EmptyState>
      ) : (
        <OrdersTable orders={recent.data.orders} compact />
      )}
    </Card>
  );
}
