import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { importKeys } from '@/lib/query-keys';
import type { operations } from '@/lib/api-types';
import type { ImportReport } from '@/lib/types';

export type Encoding = NonNullable<NonNullable<operations['create_import']['parameters']['query']>['encoding']>;
export const ENCODINGS: readonly Encoding[] = ['auto', 'utf-8', 'shift_jis'];

export type ImportRequest = { file: File; dryRun: boolean; encoding: Encoding; digest: boolean };

/**
 * Sends the file as the document's `text/csv` body, its bytes as they are
 * (a Shift_JIS file must not be decoded here), its name as `file_name`.
 */
export async function createImport(r: ImportRequest): Promise<ImportReport> {
  const bytes = new Uint8Array(await r.file.arrayBuffer());
  return call(
    api.POST('/api/v1/orders/imports', {
      params: { query: { dry_run: r.dryRun, encoding: r.encoding, digest: r.digest, file_name: r.file.name } },
      headers: { 'Content-Type': 'text/csv' },
      // The document types a text/csv body as `string` (openapi-typescript's
      // type for any text); what is sent is the file's bytes, unserialized.
      body: bytes as unknown as string,
      bodySerializer: () => bytes,
    }),
  );
}

export function useCreateImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createImport,
    meta: { inlineError: true },
    onSuccess: (report) => {
      if (report.dry_run) return;
      const { errors: _errors, ...imp } = report;
      qc.setQueryData(importKeys.detail(imp.id), imp);
      void qc.invalidateQueries({ queryKey: importKeys.lists() });
    },
  });
}
