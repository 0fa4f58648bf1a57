import { Link } from 'react-router';
import { Card } from '@/components/ui/Card';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { useImportProgress } from '../api/watch-import';
import { ImportErrorsCard } from './ImportErrorsCard';
import { ImportProgressPanel } from './ImportProgressPanel';
import { ImportStatusBadge } from './ImportStatusBadge';

/** One import: its progress (live while it runs), counters and refused rows. Mount it keyed by the id. */
export function ImportDetail({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const p = useImportProgress(id);
  const back = (
    <Link to="/imports" className="mb-3 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
      ← {t('nav.imports')}
    </Link>
  );
  if (!p.import) {
    if (p.query.isError) {
      if (p.query.error instanceof ApiError && (p.query.error.status === 404 || p.query.error.status === 422)) {
        return <>{back}<Card><EmptyState title={t('import.notFound')}><p className="mt-1">{p.query.error.detail}</p></EmptyState></Card></>;
      }
      return <>{back}<ErrorState error={p.query.error} onRetry={() => void p.query.refetch()} /></>;
    }
    return <>{back}<LoadingState /></>;
  }
  const imp = p.import;
  return (
    <>
      {back}
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="truncate" data-testid="import-title">{imp.file_name}</span>
            <ImportStatusBadge status={imp.status} className="text-sm" />
          </span>
        }
        subtitle={<span className="font-mono text-xs break-all">{t('import.batchId')}: {imp.id} · {formatDateTime(imp.created_at, lang)}</span>}
      />
      <div className="space-y-4">
        <ImportProgressPanel imp={imp} phase={p.phase} streamError={p.streamError} title={t('import.progress')} />
        <ImportErrorsCard imp={imp} />
      </div>
    </>
  );
}
