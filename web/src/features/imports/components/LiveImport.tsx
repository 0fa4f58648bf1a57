import { Link } from 'react-router';
import { ErrorState } from '@/components/ui/States';
import { useI18n } from '@/lib/i18n';
import { useImportProgress } from '../api/watch-import';
import { ImportErrorsCard } from './ImportErrorsCard';
import { ImportProgressPanel } from './ImportProgressPanel';

/** A submitted import: live progress, then its refused rows. Keyed by its id. */
export function LiveImport({ id }: { id: string }) {
  const { t } = useI18n();
  const p = useImportProgress(id);
  if (!p.import) return p.query.isError ? <ErrorState error={p.query.error} onRetry={() => void p.query.refetch()} /> : null;
  return (
    <div className="space-y-4" data-testid="live-import">
      <ImportProgressPanel imp={p.import} phase={p.phase} streamError={p.streamError} />
      <ImportErrorsCard imp={p.import} />
      <p className="text-right text-xs">
        <Link to={`/imports/${encodeURIComponent(id)}`} className="text-indigo-600 hover:underline" data-testid="open-import">{t('import.openDetail')} →</Link>
      </p>
    </div>
  );
}
