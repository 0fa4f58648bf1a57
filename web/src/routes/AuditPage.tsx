import { RequireCapability } from '@/components/layout/RequireCapability';
import { PageHeader } from '@/components/ui/PageHeader';
import { AuditLog } from '@/features/audit/components/AuditLog';
import { useI18n } from '@/lib/i18n';

export function AuditPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <RequireCapability capability="audit.read">
        <AuditLog />
      </RequireCapability>
    </>
  );
}
