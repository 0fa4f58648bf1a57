/**
 * Build-time configuration, validated once at start-up so a wrong value fails
 * loudly instead of producing silent 404s.
 */
function parseApiBase(raw: unknown): string {
  if (raw === undefined || raw === '') return '';
  if (typeof raw !== 'string') throw new Error('VITE_API_BASE_URL must be a string');
  const trimmed = raw.replace(/\/+$/, '');
  try {
    new URL(trimmed);
  } catch {
    throw new Error(`VITE_API_BASE_URL is not an absolute URL: ${raw}`);
  }
  return trimmed;
}

export const env = {
  /** Origin of the gateway; empty means same origin (production, and the dev proxy). */
  apiBaseUrl: parseApiBase(import.meta.env.VITE_API_BASE_URL),
} as const;
