import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { formatNumber } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { ImportReport } from '@/lib/types';
import { downloadText, toCsv } from './csv-template';
import { RowErrorsTable } from './RowErrorsTable';

/** What a dry run found; nothing was stored. */
export function DryRunReport({ report, onImport, importing }: { report: ImportReport; onImport?: () => void; importing?: boolean }) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, []);
  const n = (v: number) => formatNumber(v, lang);
  const valid = report.total_rows - report.failed_rows;
  const download = () =>
    downloadText(
      `${report.file_name.replace(/\.[^.]*$/, '')}-errors.csv`,
      // The columns of the gateway's own download (GET .../errors?format=csv).
      '\uFEFF' + toCsv([['row', 'column', 'code', 'reason'], ...report.errors.map((e) => [String(e.row), e.column, e.code, e.reason])]),
    );
  return (
    <div ref={ref}>
      <Card
        testId="dry-run-report"
        title={<span>{t('import.dryRunTitle')} <span className="font-normal text-slate-500">· {report.file_name}</span></span>}
        actions={report.errors.length > 0 && <Button variant="secondary" size="sm" onClick={download} data-testid="download-dry-run-errors">↓ {t('import.downloadCsv')}</Button>}
      >
        <dl className="grid grid-cols-3 gap-2">
          <div className="rounded-lg bg-slate-50 px-3 py-2.5 ring-1 ring-slate-100">
            <dt className="text-xs text-slate-500">{t('import.totalRows')}</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid="dry-total">{n(report.total_rows)}</dd>
          </div>
          <div className="rounded-lg bg-emerald-50 px-3 py-2.5 ring-1 ring-emerald-100">
            <dt className="text-xs text-emerald-700">{t('import.validRows')}</dt>
            <dd className="text-lg font-semibold text-emerald-800 tabular-nums" data-testid="dry-valid">{n(valid)}</dd>
          </div>
          <div className={report.failed_rows > 0 ? 'rounded-lg bg-rose-50 px-3 py-2.5 ring-1 ring-rose-100' : 'rounded-lg bg-slate-50 px-3 py-2.5 ring-1 ring-slate-100'}>
            <dt className={report.failed_rows > 0 ? 'text-xs text-rose-700' : 'text-xs text-slate-500'}>{t('import.refusedRows')}</dt>
            <dd className={report.failed_rows > 0 ? 'text-lg font-semibold text-rose-800 tabular-nums' : 'text-lg font-semibold tabular-nums'} data-testid="dry-failed">{n(report.failed_rows)}</dd>
          </div>
        </dl>
        <p className="mt-3 text-sm text-slate-600" data-testid="dry-run-summary">
          {report.failed_rows === 0 ? t('import.dryRunAllGood', { count: n(valid) }) : t('import.dryRunSomeBad', { valid: n(valid), failed: n(report.failed_rows) })}
          <span className="ml-1 text-slate-400">{t('import.dryRunNothingStored')} · {report.encoding}</span>
        </p>
        {report.errors.length > 0 && (
          <div className="mt-4">
            <RowErrorsTable errors={report.errors} />
            {report.errors.length < report.failed_rows && (
              <p className="mt-2 text-xs text-slate-500">{t('import.errorsTruncated', { shown: n(report.errors.length) })}</p>
            )}
          </div>
        )}
        {onImport && valid > 0 && (
          <div className="mt-4 flex justify-end">
            <Button onClick={onImport} loading={importing} data-testid="import-after-dry-run">
              {t('import.importValid', { count: n(valid) })}
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}
