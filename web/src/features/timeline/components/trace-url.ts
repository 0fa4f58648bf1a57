/**
 * A trace link the admin may open: only an absolute http(s) address (a
 * `javascript:` or relative one from a misconfigured gateway is not a link).
 */
export function safeTraceUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
