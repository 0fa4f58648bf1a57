import { formatActor } from '@/lib/actor';
import { cn } from '@/lib/cn';
import { useI18n } from '@/lib/i18n';

/** Who did something, in words; the gateway's own name on hover. */
export function Actor({ value, className, testId = 'actor' }: { value: string; className?: string; testId?: string }) {
  const { lang } = useI18n();
  return (
    <span className={cn('break-all', className)} title={value} data-testid={testId} data-actor={value}>
      {formatActor(value, lang)}
    </span>
  );
}
