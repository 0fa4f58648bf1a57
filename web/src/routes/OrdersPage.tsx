import { Link } from 'react-router';
import { PageHeader } from '@/components/ui/PageHeader';
import { buttonClass } from '@/components/ui/styles';
import { OrderBrowser } from '@/features/orders/components/OrderBrowser';
import { useI18n } from '@/lib/i18n';
import { useCan } from '@/lib/session';

export function OrdersPage() {
  const { t } = useI18n();
  const canCreate = useCan('orders.create');
  return (
    <>
      <PageHeader
        title={t('orders.title')}
        actions={canCreate && <Link to="/orders/new" className={buttonClass('primary')} data-testid="new-order">+ {t('nav.newOrder')}</Link>}
      />
      <OrderBrowser />
    </>
  );
}
