import { ErrorState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';

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
