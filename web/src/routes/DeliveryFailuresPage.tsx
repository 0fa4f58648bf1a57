import { PageHeader } from '@/components/ui/PageHeader';
import { FailedNotifications } from '@/features/notifications/components/FailedNotifications';
import { DeadLetters } from '@/features/outbox/components/DeadLetters';
import { useI18n } from '@/lib/i18n';
import { useCan } from '@/lib/session';

/** The operations page: what could not be delivered, and (for an operator) the way to send it again. */
export function DeliveryFailuresPage() {
  const { t } = useI18n();
  const canRetry = useCan('deliveries.retry');
  return (
    <>
      <PageHeader title={t('failures.title')} subtitle={t('failures.subtitle')} />
      {!canRetry && (
        <p className="mb-4 rounded-lg bg-slate-100 px-4 py-2.5 text-sm text-slate-600" data-testid="failures-read-only">
          {t('failures.readOnly')}
        </p>
      )}
      <div className="space-y-5">
        <FailedNotifications />
        <DeadLetters />
      </div>
    </>
  );
}
