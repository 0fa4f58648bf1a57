import { RequireCapability } from '@/components/layout/RequireCapability';
import { PageHeader } from '@/components/ui/PageHeader';
import { NewOrderForm } from '@/features/orders/components/NewOrderForm';
import { useI18n } from '@/lib/i18n';

export function NewOrderPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('newOrder.title')} />
      <RequireCapability capability="orders.create">
        <NewOrderForm />
      </RequireCapability>
    </>
  );
}
