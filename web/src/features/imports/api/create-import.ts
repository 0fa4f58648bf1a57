import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { ImportReport } from '@/lib/types';
import { importKeys } from '@/lib/query-keys';

export type Encoding = 'auto' | 'utf-8' | 'shift_jis';
export const ENCODINGS: readonly Encoding[] = ['auto', 'utf-8', 'shift_jis'];

export type ImportRequest = { file: File; dryRun: boolean; encoding: Encoding; digest: boolean };

/** Uploads the file as the multipart field `file` (its name goes into the history). */
export function createImport(r: ImportRequest): Promise<ImportReport> {
  const form = new FormData();
  form.append('file', r.file, r.file.name);
  return apiFetch<ImportReport>('/api/v1/orders/imports', {
    method: 'POST',
    query: { dry_run: String(r.dryRun), encoding: r.encoding, digest: String(r.digest), file_name: r.file.name },
    rawBody: form,
  });
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
