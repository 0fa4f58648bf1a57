import { PageHeader } from '@/components/ui/PageHeader';
import { ColumnsHelp } from '@/features/imports/components/ColumnsHelp';
import { ImportHistory } from '@/features/imports/components/ImportHistory';
import { ImportUpload } from '@/features/imports/components/ImportUpload';
import { Card } from '@/components/ui/Card';
import { useI18n } from '@/lib/i18n';
import { useCan } from '@/lib/session';

export function ImportsPage() {
  const { t } = useI18n();
  const canRun = useCan('imports.run');
  return (
    <>
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {canRun ? (
          <ImportUpload />
        ) : (
          <Card testId="import-not-allowed">
            <p className="text-sm text-slate-600">{t('import.needsOperator')}</p>
          </Card>
        )}
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
