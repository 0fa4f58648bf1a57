import { formatFieldError } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type { RowError } from '@/lib/types';

/**
 * Refused rows: line of the file, column, and why, worded from the row
 * error's code in the operator's language (the gateway's English reason
 * stays in the tooltip, and is the text for a code we do not know).
 */
export function RowErrorsTable({ errors }: { errors: readonly RowError[] }) {
  const { t, lang } = useI18n();
  return (
    <div className="max-h-96 overflow-auto rounded-lg ring-1 ring-slate-200">
      <table className="w-full text-left text-sm" data-testid="row-errors">
        <thead className="sticky top-0 bg-slate-50 text-xs font-medium text-slate-500">
          <tr>
            <th scope="col" className="w-16 px-3 py-2 text-right">{t('import.col.row')}</th>
            <th scope="col" className="px-3 py-2 sm:w-44">{t('import.col.column')}</th>
            <th scope="col" className="px-3 py-2">{t('import.col.reason')}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {errors.map((e, i) => (
            <tr key={`${e.row}-${e.column}-${i}`} data-testid="row-error" data-row={e.row} data-column={e.column}>
              <td className="px-3 py-2 text-right align-top font-mono text-xs text-slate-700 tabular-nums">{e.row}</td>
              <td className="px-3 py-2 align-top">
                {e.column ? <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{e.column}</code> : <span className="text-xs text-slate-400">{t('import.wholeRow')}</span>}
              </td>
              <td className="px-3 py-2 align-top break-words text-slate-700" title={e.reason} data-testid="row-error-reason" data-code={e.code}>
                {formatFieldError(lang, { code: e.code, params: e.params, message: e.reason })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
