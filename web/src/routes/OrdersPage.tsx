import { Link } from 'react-router';
import { PageHeader } from '@/components/ui/PageHeader';
import { buttonClass } from '@/components/ui/styles';
import { OrderBrowser } from '@/features/orders/components/OrderBrowser';
import { useI18n } from '@/lib/i18n';

export function OrdersPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t('orders.title')}
        actions={<Link to="/orders/new" className={buttonClass('primary')}>+ {t('nav.newOrder')}</Link>}
      />
      <OrderBrowser />
    </>
  );
}
