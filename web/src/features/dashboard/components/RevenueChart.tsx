import { useLayoutEffect, useRef, useState } from 'react';
import { formatDay, formatYen, formatYenCompact } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { OrderStats } from '@/lib/types';
import { niceTicks } from './chart-scale';

type Day = OrderStats['revenue_by_day'][number];

const PAD = { top: 18, right: 8, bottom: 30, left: 52 };

/** Width of an element in CSS pixels, kept current as it resizes. */
function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(240, Math.round(el.getBoundingClientRect().width)));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width] as const;
}

/** Seven bars of daily revenue in plain SVG; every bar has a text alternative. */
export function RevenueChart({ days }: { days: Day[] }) {
  const { t, lang } = useI18n();
  // Drawn at the real pixel width so text stays legible on a phone.
  const [ref, W] = useWidth<HTMLElement>(640);
  const compact = W < 480;
  const H = compact ? 180 : 220;
  const ticks = niceTicks(Math.max(0, ...days.map((d) => d.amount)));
  const max = ticks.at(-1) ?? 1;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, days.length);
  const barW = Math.min(48, slot * 0.6);
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;

  return (
    <figure ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} className="block" role="img" aria-label={t('dashboard.revenue7d')} data-testid="revenue-chart">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="stroke-slate-100" strokeWidth={1} />
            <text x={PAD.left - 8} y={y(v)} textAnchor="end" dominantBaseline="middle" className="fill-slate-400 text-[11px]">
              {formatYenCompact(v, lang)}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const cx = PAD.left + slot * i + slot / 2;
          const h = Math.max(d.amount > 0 ? 2 : 0, (d.amount / max) * innerH);
          const isToday = i === days.length - 1;
          return (
            <g key={d.date}>
              <title>{`${formatDay(d.date, lang)}: ${formatYen(d.amount)} (${t('dashboard.ordersCount', { count: d.orders })})`}</title>
              <rect x={cx - barW / 2} y={PAD.top + innerH - h} width={barW} height={h} rx={4} className={isToday ? 'fill-indigo-600' : 'fill-indigo-300'} />
              {d.amount > 0 && !compact && (
                <text x={cx} y={PAD.top + innerH - h - 5} textAnchor="middle" className="fill-slate-600 text-[10px] font-medium">
                  {formatYenCompact(d.amount, lang)}
                </text>
              )}
              <text x={cx} y={H - PAD.bottom + 16} textAnchor="middle" className={isToday ? 'fill-slate-900 text-[11px] font-semibold' : 'fill-slate-500 text-[11px]'}>
                {compact ? `${Number(d.date.slice(5, 7))}/${Number(d.date.slice(8, 10))}` : formatDay(d.date, lang)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">
        <table>
          <tbody>
            {days.map((d) => (
              <tr key={d.date}><th>{d.date}</th><td>{formatYen(d.amount)}</td><td>{d.orders}</td></tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
