import { ErrorState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatFieldError } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';

/** Why a file was refused: the problem, and each invalid field in the operator's language. */
export function UploadError({ error }: { error: unknown }) {
  const { lang } = useI18n();
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div data-testid="import-error">
      <ErrorState error={error} />
      {fields.length > 1 && (
        <ul className="mt-2 list-disc pl-5 text-sm text-rose-800">
          {fields.map((f) => <li key={`${f.field}:${f.code}:${f.message}`}>{f.field}: {formatFieldError(lang, f)}</li>)}
        </ul>
      )}
    </div>
  );
}
