import { PageHeader } from '@/components/ui/PageHeader';
import { TemplateBrowser } from '@/features/notifications/components/TemplateBrowser';
import { useI18n } from '@/lib/i18n';

export function TemplatesPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('templates.title')} />
      <TemplateBrowser />
    </>
  );
}
