import { Card } from '@/components/ui/Card';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { buttonClass } from '@/components/ui/styles';
import { useI18n } from '@/lib/i18n';
import type { Import } from '@/lib/types';
import { importErrorsCsvUrl, useImportErrors } from '../api/get-imports';
import { isActive } from './import-progress';
import { RowErrorsTable } from './RowErrorsTable';

/** The refused rows of a finished import, with the CSV download. */
export function ImportErrorsCard({ imp }: { imp: Import }) {
  const { t } = useI18n();
  const finished = !isActive(imp.status);
  const show = finished && imp.failed_rows > 0;
  const q = useImportErrors(imp.id, show);
  if (!show) return null;
  return (
    <Card
      testId="import-errors"
      title={t('import.errorsTitle', { count: imp.failed_rows })}
      actions={
        <a href={importErrorsCsvUrl(imp.id)} download className={buttonClass('secondary', 'sm')} data-testid="download-errors">
          ↓ {t('import.downloadCsv')}
        </a>
      }
    >
      {q.isPending ? (
        <LoadingState />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.errors.length === 0 ? (
        <p className="text-sm text-slate-500">{t('import.noErrorDetails')}</p>
      ) : (
        <RowErrorsTable errors={q.data.errors} />
      )}
    </Card>
  );
}
