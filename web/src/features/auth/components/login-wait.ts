import type { Translate } from '@/lib/i18n';

/** How long to wait, in words: "29 秒", "2 分 5 秒". */
export function formatWait(seconds: number, t: Translate): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return t('login.seconds', { n: s });
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest === 0 ? t('login.minutes', { n: m }) : t('login.minutesSeconds', { m, s: rest });
}
