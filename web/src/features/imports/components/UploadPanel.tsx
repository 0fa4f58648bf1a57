import { useId, useRef, useState, type DragEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Select } from '@/components/ui/Field';
import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { ENCODINGS, type Encoding, type ImportRequest } from '../api/create-import';
import { fileSize, MAX_ROWS, missingColumns, readHead, validateFile, type FileProblem } from './file-validation';

type Checked = { file: File; problem: FileProblem | null };

/** File picker and drop zone, options, and the two ways to send the file. */
export function UploadPanel({ onSubmit, pending }: { onSubmit: (r: ImportRequest) => void; pending: 'dry' | 'import' | null }) {
  const { t, lang } = useI18n();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [dragging, setDragging] = useState(false);
  const [encoding, setEncoding] = useState<Encoding>('auto');
  const [digest, setDigest] = useState(false);

  const choose = async (file: File | undefined) => {
    if (!file) return;
    let problem = validateFile(file);
    if (!problem) {
      try {
        const missing = missingColumns(await readHead(file));
        if (missing.length > 0) problem = { key: 'import.err.columns', params: { columns: missing.join(', ') } };
      } catch {
        // Unreadable here: let the gateway judge it.
      }
    }
    setChecked({ file, problem });
  };
  const clear = () => {
    setChecked(null);
    if (input.current) input.current.value = '';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void choose(e.dataTransfer.files[0]);
  };
  const ready = checked !== null && checked.problem === null;
  const send = (dryRun: boolean) => {
    if (ready) onSubmit({ file: checked.file, dryRun, encoding, digest });
  };

  return (
    <Card testId="upload-panel" title={t('import.uploadTitle')}>
      <label
        htmlFor={inputId}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cn(
          'flex cursor-pointer flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed px-4 py-8 text-center transition-colors',
          dragging ? 'border-indigo-400 bg-indigo-50' : 'border-slate-300 hover:border-indigo-300 hover:bg-slate-50',
        )}
        data-testid="drop-zone"
        data-dragging={dragging || undefined}
      >
        <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" className="size-9 text-slate-400" aria-hidden="true">
          <path strokeLinecap="round" strokeLinejoin="round" d="M3 16.5v2.25A2.25 2.25 0 005.25 21h13.5A2.25 2.25 0 0021 18.75V16.5m-13.5-9L12 3m0 0l4.5 4.5M12 3v13.5" />
        </svg>
        <span className="text-sm font-medium text-slate-800">{t('import.drop')}</span>
        <span className="text-xs text-slate-500">{t('import.dropHint', { rows: formatNumber(MAX_ROWS, lang) })}</span>
        <input
          ref={input}
          id={inputId}
          type="file"
          accept=".csv,.txt,text/csv"
          className="sr-only"
          data-testid="import-file"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </label>

      {checked && (
        <div
          className={cn('mt-3 flex items-start gap-3 rounded-lg px-3 py-2 text-sm ring-1', checked.problem ? 'bg-rose-50 ring-rose-200' : 'bg-slate-50 ring-slate-200')}
          data-testid="selected-file"
        >
          <div className="min-w-0 flex-1">
            <p className="truncate font-medium text-slate-900">{checked.file.name}</p>
            <p className="text-xs text-slate-500">{fileSize(checked.file.size, lang)}</p>
            {checked.problem && (
              <p className="mt-1 text-xs text-rose-700" data-testid="file-problem">{t(checked.problem.key, checked.problem.params)}</p>
            )}
          </div>
          <Button variant="ghost" size="sm" onClick={clear} aria-label={t('import.removeFile')}>×</Button>
        </div>
      )}

      <div className="mt-4 grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor="import-encoding" className="mb-1 block text-xs font-medium text-slate-700">{t('import.encoding')}</label>
          <Select id="import-encoding" value={encoding} onChange={(e) => setEncoding(e.target.value as Encoding)} data-testid="import-encoding">
            {ENCODINGS.map((enc) => (
              <option key={enc} value={enc}>{t(`import.encoding.${enc}`)}</option>
            ))}
          </Select>
        </div>
        <label className="flex items-start gap-2 self-end rounded-lg px-1 py-2 text-sm text-slate-700">
          <input type="checkbox" className="mt-0.5 size-4 rounded border-slate-300 text-indigo-600" checked={digest} onChange={(e) => setDigest(e.target.checked)} data-testid="import-digest" />
          <span>
            {t('import.digest')}
            <span className="block text-xs text-slate-500">{t('import.digestHint')}</span>
          </span>
        </label>
      </div>

      <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" disabled={!ready || pending !== null} loading={pending === 'dry'} onClick={() => send(true)} data-testid="dry-run">
          {t('import.dryRun')}
        </Button>
        <Button disabled={!ready || pending !== null} loading={pending === 'import'} onClick={() => send(false)} data-testid="start-import">
          {t('import.start')}
        </Button>
      </div>
    </Card>
  );
}
