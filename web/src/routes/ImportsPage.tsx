import { Link } from 'react-router';
import { PageHeader } from '@/components/ui/PageHeader';
import { ErrorState } from '@/components/ui/States';
import { useCreateImport, type ImportRequest } from '@/features/imports/api/create-import';
import { useImportProgress } from '@/features/imports/api/watch-import';
import { ColumnsHelp } from '@/features/imports/components/ColumnsHelp';
import { DryRunReport } from '@/features/imports/components/DryRunReport';
import { ImportErrorsCard } from '@/features/imports/components/ImportErrorsCard';
import { ImportHistory } from '@/features/imports/components/ImportHistory';
import { ImportProgressPanel } from '@/features/imports/components/ImportProgressPanel';
import { UploadPanel } from '@/features/imports/components/UploadPanel';
import { ApiError } from '@/lib/api-client';
import { useI18n } from '@/lib/i18n';

/** Why a file was refused: the problem, and the gateway's field messages when they say more. */
export function UploadError({ error }: { error: unknown }) {
  const extra = error instanceof ApiError ? error.fieldErrors.filter((f) => !error.detail.includes(f.message)) : [];
  return (
    <div data-testid="import-error">
      <ErrorState error={error} />
      {extra.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-sm text-rose-800">
          {extra.map((f) => <li key={`${f.field}:${f.message}`}>{f.field}: {f.message}</li>)}
        </ul>
      )}
    </div>
  );
}

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

export function ImportsPage() {
  const { t } = useI18n();
  const m = useCreateImport();
  const submit = (r: ImportRequest) => m.mutate(r);
  const pending = m.isPending ? (m.variables.dryRun ? 'dry' : 'import') : null;
  const report = m.data;

  return (
    <>
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-4">
          <UploadPanel onSubmit={submit} pending={pending} />
          {m.isError && <UploadError error={m.error} />}
          {report && !m.isPending && (report.dry_run ? (
            <DryRunReport
              report={report}
              importing={pending === 'import'}
              onImport={() => m.variables && m.mutate({ ...m.variables, dryRun: false })}
            />
          ) : (
            <LiveImport key={report.id} id={report.id} />
          ))}
        </div>
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
