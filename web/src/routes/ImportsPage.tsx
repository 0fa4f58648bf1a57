import { PageHeader } from '@/components/ui/PageHeader';
import { ColumnsHelp } from '@/features/imports/components/ColumnsHelp';
import { ImportHistory } from '@/features/imports/components/ImportHistory';
import { ImportUpload } from '@/features/imports/components/ImportUpload';
import { useI18n } from '@/lib/i18n';

export function ImportsPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <ImportUpload />
        <div className="min-w-0">
          <ColumnsHelp />
        </div>
      </div>
      <div className="mt-6">
        <ImportHistory />
      </div>
    </>
  );
}
