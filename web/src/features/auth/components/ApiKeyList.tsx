import { useCallback, useState } from 'react';
import { Actor } from '@/components/ui/Actor';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Dialog } from '@/components/ui/Dialog';
import { RoleBadge } from '@/components/ui/RoleBadge';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { pushToast } from '@/lib/toast';
import type { ApiKey } from '@/lib/types';
import { useApiKeys } from '../api/get-api-keys';
import { useRevokeApiKey } from '../api/revoke-api-key';

/** The keys as the gateway lists them: never the key, only its last 4 characters. */
export function ApiKeyList() {
  const { t, lang } = useI18n();
  const keys = useApiKeys();
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const closeRevoke = useCallback(() => setRevoking(null), []);

  return (
    <Card title={t('keys.list')} testId="key-list">
      {keys.isPending ? (
        <LoadingState />
      ) : keys.isError ? (
        <div className="p-4"><ErrorState error={keys.error} onRetry={() => void keys.refetch()} /></div>
      ) : keys.data.length === 0 ? (
        <EmptyState title={t('keys.empty')} />
      ) : (
        <ul className="divide-y divide-slate-100">
          {keys.data.map((k) => {
            const revoked = Boolean(k.revoked_at);
            return (
              <li
                key={k.id}
                className={cn('flex flex-wrap items-center gap-x-4 gap-y-2 py-3 first:pt-0 last:pb-0', revoked && 'opacity-80')}
                data-testid="key-row"
                data-key-id={k.id}
                data-name={k.name}
                data-revoked={revoked}
              >
                <div className="min-w-0 flex-1 basis-56">
                  <p className="flex flex-wrap items-center gap-2 text-sm">
                    <span className={cn('font-medium break-all', revoked ? 'text-slate-500 line-through' : 'text-slate-900')}>{k.name}</span>
                    <RoleBadge role={k.role} />
                  </p>
                  <p className="mt-1 font-mono text-xs text-slate-600" data-testid="key-masked">sk_…{k.last4}</p>
                  <p className="mt-0.5 text-xs text-slate-500">
                    {t('keys.col.createdBy')}: <Actor value={k.created_by} /> · <span className="tabular-nums">{formatDateTime(k.created_at, lang)}</span>
                  </p>
                </div>
                <div className="flex items-center gap-2">
                  {k.revoked_at ? (
                    <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-600" data-testid="key-status" data-status="revoked">
                      {t('keys.revokedAt', { time: formatDateTime(k.revoked_at, lang) })}
                    </span>
                  ) : (
                    <>
                      <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700" data-testid="key-status" data-status="active">{t('keys.active')}</span>
                      <Button variant="ghost" size="sm" className="text-rose-700" onClick={() => setRevoking(k)} data-testid="revoke-key">{t('keys.revoke')}</Button>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <RevokeDialog apiKey={revoking} onClose={closeRevoke} />
    </Card>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const { t } = useI18n();
  const revoke = useRevokeApiKey();
  const { reset } = revoke;
  const close = useCallback(() => {
    onClose();
    reset();
  }, [onClose, reset]);
  if (!apiKey) return null;
  return (
    <Dialog
      open
      onClose={revoke.isPending ? () => undefined : close}
      title={t('keys.revokeTitle', { name: apiKey.name })}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={revoke.isPending} data-autofocus>{t('common.cancel')}</Button>
          <Button
            variant="danger"
            loading={revoke.isPending}
            data-testid="confirm-revoke-key"
            onClick={() =>
              revoke.mutate(apiKey.id, {
                onSuccess: () => {
                  pushToast({ kind: 'success', title: t('keys.revoked', { name: apiKey.name }) });
                  close();
                },
              })
            }
          >
            {t('keys.revokeConfirm')}
          </Button>
        </>
      }
    >
      <p>{t('keys.revokeBody')}</p>
      {revoke.isError && <ErrorState error={revoke.error} className="mt-3" />}
    </Dialog>
  );
}
