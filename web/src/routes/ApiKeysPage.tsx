import { useCallback, useState } from 'react';
import { RequireCapability } from '@/components/layout/RequireCapability';
import { Button } from '@/components/ui/Button';
import { PageHeader } from '@/components/ui/PageHeader';
import { ApiKeyList } from '@/features/auth/components/ApiKeyList';
import { CreateApiKeyDialog } from '@/features/auth/components/CreateApiKeyDialog';
import { useI18n } from '@/lib/i18n';
import { useCan } from '@/lib/session';

export function ApiKeysPage() {
  const { t } = useI18n();
  const allowed = useCan('keys.manage');
  const [creating, setCreating] = useState(false);
  const close = useCallback(() => setCreating(false), []);
  return (
    <>
      <PageHeader
        title={t('keys.title')}
        subtitle={t('keys.subtitle')}
        actions={allowed && <Button onClick={() => setCreating(true)} data-testid="create-key">+ {t('keys.create')}</Button>}
      />
      <RequireCapability capability="keys.manage">
        <ApiKeyList />
        <CreateApiKeyDialog open={creating} onClose={close} />
      </RequireCapability>
    </>
  );
}
