import { useCreateImport, type ImportRequest } from '../api/create-import';
import { DryRunReport } from './DryRunReport';
import { LiveImport } from './LiveImport';
import { UploadError } from './UploadError';
import { UploadPanel } from './UploadPanel';

/**
 * Choosing and sending a file, then what came of it: the dry-run report
 * (with "import the valid rows"), or the import's live progress.
 */
export function ImportUpload() {
  const m = useCreateImport();
  const submit = (r: ImportRequest) => m.mutate(r);
  const pending = m.isPending ? (m.variables.dryRun ? 'dry' : 'import') : null;
  const report = m.data;

  return (
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
  );
}
