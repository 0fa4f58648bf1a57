/**
 * Axis ticks for a bar chart starting at zero: `count` equal steps of a
 * "nice" size (1, 2, 2.5 or 5 times a power of ten) reaching at least `max`.
 */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return Array.from({ length: count + 1 }, (_, i) => i * 250);
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow);
  const steps = Math.ceil(max / step);
  return Array.from({ length: steps + 1 }, (_, i) => i * step);
}
