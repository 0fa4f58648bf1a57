import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { Card } from '@/components/ui/Card';
import { EmptyState, ErrorState } from '@/components/ui/States';
import { buttonClass } from '@/components/ui/styles';
import { useI18n } from '@/lib/i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Card>
      <EmptyState title={t('notFound.title')}>
        <p>{t('notFound.body')}</p>
        <Link to="/" className={buttonClass('primary', 'sm', 'mt-3')}>{t('nav.dashboard')}</Link>
      </EmptyState>
    </Card>
  );
}

/** Shown instead of a blank page when a page throws while rendering. */
export function RouteErrorPage() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return (
    <div className="p-4">
      <ErrorState error={error} onRetry={() => window.location.reload()} />
    </div>
  );
}
