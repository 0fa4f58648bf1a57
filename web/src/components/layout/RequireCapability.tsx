import type { ReactNode } from 'react';
import { Card } from '@/components/ui/Card';
import { EmptyState } from '@/components/ui/States';
import { can, MIN_ROLE, type Capability } from '@/lib/access';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

/** A page only some roles may use: the others are told why instead (the gateway would refuse them anyway). */
export function RequireCapability({ capability, children }: { capability: Capability; children: ReactNode }) {
  const { t } = useI18n();
  const me = useSession();
  if (can(me?.role, capability)) return <>{children}</>;
  return (
    <Card testId="not-allowed">
      <EmptyState title={t('session.notAllowed')}>
        <p>{t('session.notAllowedBody', { role: t(`role.${MIN_ROLE[capability]}`), current: me ? t(`role.${me.role}`) : '—' })}</p>
      </EmptyState>
    </Card>
  );
}
