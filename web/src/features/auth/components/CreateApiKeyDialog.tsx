import { useCallback, useRef, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { Dialog } from '@/components/ui/Dialog';
import { Field, Input } from '@/components/ui/Field';
import { ErrorState } from '@/components/ui/States';
import { ApiError } from '@/lib/api-client';
import { formatFieldError } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import { RoleBadge } from '@/components/ui/RoleBadge';
import type { CreatedApiKey, Role } from '@/lib/types';
import { useCreateApiKey } from '../api/create-api-key';
import { RoleHint, RoleSelect } from './RoleSelect';
import { validateKeyName, type Issues } from './user-validation';

/**
 * Creates a key, then shows it: the only time it is shown (the gateway
 * keeps its hash). Closing the dialog forgets it: the component state and
 * the mutation's answer are dropped, and the list has only its last 4.
 */
export function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  // Mounted only while open: nothing of a key outlives the dialog.
  return open ? <CreateApiKeyBody onClose={onClose} /> : null;
}

function CreateApiKeyBody({ onClose }: { onClose: () => void }) {
  const { t, lang } = useI18n();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [issues, setIssues] = useState<Issues<'name'>>({});
  const create = useCreateApiKey();
  const { reset } = create;
  const close = useCallback(() => {
    reset();
    onClose();
  }, [reset, onClose]);

  const apiError = create.error instanceof ApiError ? create.error : undefined;
  const nameIssue = issues.name ?? apiError?.fieldErrors.find((f) => f.field === 'name');
  const nameError = nameIssue && formatFieldError(lang, nameIssue);

  if (create.data) return <KeyShownOnce created={create.data} onClose={close} />;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const found = validateKeyName(name);
    setIssues(found);
    if (found.name) return;
    create.mutate({ name: name.trim(), role });
  }

  return (
    <Dialog
      open
      onClose={create.isPending ? () => undefined : close}
      title={t('keys.create')}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={create.isPending}>{t('common.cancel')}</Button>
          <Button type="submit" form="create-key-form" loading={create.isPending} data-testid="submit-key">
            {create.isPending ? t('keys.submitting') : t('keys.submit')}
          </Button>
        </>
      }
    >
      <form id="create-key-form" onSubmit={onSubmit} noValidate className="space-y-4">
        <Field id="key-name" label={t('keys.name')} error={nameError}>
          <Input id="key-name" value={name} invalid={!!nameError} placeholder={t('keys.namePlaceholder')} onChange={(e) => setName(e.target.value)} data-autofocus />
        </Field>
        <Field id="key-role" label={t('keys.role')}>
          <RoleSelect id="key-role" value={role} onChange={setRole} aria-describedby="key-role-hint" />
          <RoleHint role={role} id="key-role-hint" />
        </Field>
        {create.isError && !nameIssue && <ErrorState error={create.error} />}
      </form>
    </Dialog>
  );
}

function KeyShownOnce({ created, onClose }: { created: CreatedApiKey; onClose: () => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLTextAreaElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy('copied');
    } catch {
      // No clipboard (permission, an insecure page): select it for Ctrl+C.
      input.current?.focus();
      input.current?.select();
      setCopy('failed');
    }
  }

  return (
    // Not closed by a stray click or Escape: the key would be gone.
    <Dialog
      open
      onClose={onClose}
      dismissible={false}
      title={t('keys.createdTitle', { name: created.name })}
      footer={<Button onClick={onClose} data-testid="close-key">{t('keys.done')}</Button>}
    >
      <div className="space-y-3" data-testid="created-key">
        <div role="alert" className="flex gap-2 rounded-lg bg-amber-50 p-3 text-amber-900 ring-1 ring-amber-200" data-testid="key-once-warning">
          <svg viewBox="0 0 20 20" fill="currentColor" className="mt-0.5 size-5 shrink-0 text-amber-500" aria-hidden="true">
            <path fillRule="evenodd" d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 5a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 5Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" clipRule="evenodd" />
          </svg>
          <p>{t('keys.onceWarning')}</p>
        </div>
        <div className="flex items-center gap-2 text-xs text-slate-500">
          <span className="font-medium text-slate-700">{created.name}</span>
          <RoleBadge role={created.role} />
        </div>
        <div className="space-y-2">
          {/* The whole key, wrapped (a single-line field would hide its end). */}
          <textarea
            ref={input}
            readOnly
            rows={2}
            value={created.key}
            aria-label={t('keys.col.key')}
            spellCheck={false}
            onFocus={(e) => e.currentTarget.select()}
            className="block w-full resize-none rounded-lg border-0 bg-slate-50 px-3 py-2 font-mono text-xs break-all text-slate-900 ring-1 ring-slate-300 ring-inset"
            data-testid="new-key"
          />
          <Button variant="secondary" className="w-full sm:w-auto" onClick={() => void copyKey()} data-testid="copy-key" data-autofocus>
            {copy === 'copied' ? `✓ ${t('keys.copied')}` : t('keys.copy')}
          </Button>
        </div>
        {copy === 'failed' && <p className="text-xs text-slate-600" data-testid="copy-failed">{t('keys.copyFailed')}</p>}
      </div>
    </Dialog>
  );
}
