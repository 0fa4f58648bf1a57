import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys } from '@/lib/query-keys';
import type { Template, TemplateCode, TemplateUpdate } from '@/lib/types';

export function updateTemplate(code: TemplateCode, body: TemplateUpdate) {
  return call(api.PUT('/api/v1/notifications/templates/{code}', { params: { path: { code } }, body }));
}

export function useUpdateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ code, update }: { code: TemplateCode; update: TemplateUpdate }) => updateTemplate(code, update),
    meta: { inlineError: true },
    onSuccess: (tpl) => {
      qc.setQueryData<Template[]>(notificationKeys.templates(), (old) => old?.map((t) => (t.code === tpl.code ? tpl : t)));
    },
  });
}
