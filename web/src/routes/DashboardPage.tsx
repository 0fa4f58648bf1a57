import { PageHeader } from '@/components/ui/PageHeader';
import { DashboardOverview } from '@/features/dashboard/components/DashboardOverview';
import { HealthPanel } from '@/features/health/components/HealthPanel';
import { QueueTile } from '@/features/notifications/components/QueueTile';
import { RecentOrders } from '@/features/orders/components/RecentOrders';
import { useI18n } from '@/lib/i18n';

export function DashboardPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('dashboard.title')} />
      <DashboardOverview queue={<QueueTile />} health={<HealthPanel />} recentOrders={<RecentOrders className="h-full" />} />
    </>
  );
}
