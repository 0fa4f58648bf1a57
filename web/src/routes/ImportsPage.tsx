import { PageHeader } from '@/components/ui/PageHeader';
import { useCreateImport, type ImportRequest } from '@/features/imports/api/create-import';
import { ColumnsHelp } from '@/features/imports/components/ColumnsHelp';
import { DryRunReport } from '@/features/imports/components/DryRunReport';
import { ImportHistory } from '@/features/imports/components/ImportHistory';
import { LiveImport } from '@/features/imports/components/LiveImport';
import { UploadError } from '@/features/imports/components/UploadError';
import { UploadPanel } from '@/features/imports/components/UploadPanel';
import { useI18n } from '@/lib/i18n';

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
