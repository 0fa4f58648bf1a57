/**
 * The one HTTP client of the app. Every call goes through `apiFetch`, which
 * returns the parsed JSON body or throws an `ApiError` carrying the gateway's
 * RFC 9457 problem document.
 */
import { env } from './env';
import type { Problem } from './types';

export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly fieldErrors: FieldError[];
  readonly orderId: number | string | undefined;
  readonly traceId: string | undefined;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    fieldErrors?: FieldError[];
    orderId?: number | string;
    traceId?: string;
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.orderId = init.orderId;
    this.traceId = init.traceId;
  }

  get isNetworkError(): boolean {
    return this.code === NETWORK_ERROR;
  }
}

export const NETWORK_ERROR = 'NETWORK_ERROR';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function parseFieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) => {
    if (!isRecord(e)) return [];
    const field = asString(e.field);
    const message = asString(e.message);
    return field !== undefined && message !== undefined ? [{ field, message }] : [];
  });
}

/**
 * Turns any error answer into an `ApiError`: a problem+json body is read
 * member by member (an odd or partial body never throws), anything else
 * (an HTML page from a proxy, an empty body) falls back to the HTTP status.
 */
export function problemToError(status: number, statusText: string, body: unknown): ApiError {
  const fallbackTitle = statusText || `HTTP ${status}`;
  if (!isRecord(body)) {
    return new ApiError({ status, code: `HTTP_${status}`, title: fallbackTitle, detail: fallbackTitle });
  }
  const p = body as Partial<Problem> & Record<string, unknown>;
  const title = asString(p.title) ?? fallbackTitle;
  const orderId = typeof p.order_id === 'number' || typeof p.order_id === 'string' ? p.order_id : undefined;
  return new ApiError({
    status: typeof p.status === 'number' ? p.status : status,
    code: asString(p.code) ?? `HTTP_${status}`,
    title,
    detail: asString(p.detail) ?? title,
    fieldErrors: parseFieldErrors(p.errors),
    orderId,
    traceId: asString(p.trace_id),
  });
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export type Query = Record<string, string | number | undefined | null>;

export function buildUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${env.apiBaseUrl}${path}${s ? `?${s}` : ''}`;
}

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  /** A body sent as it is (a `FormData` upload); the browser sets its Content-Type. */
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses (besides 2xx) whose JSON body is a normal answer, e.g. 503 from /readyz. */
  acceptStatuses?: number[];
};

export async function apiFetch<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...opts.headers };
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: NETWORK_ERROR,
      title: 'Network error',
      detail: e instanceof Error ? e.message : String(e),
    });
  }
  const parsed = await readBody(res);
  if (res.ok || opts.acceptStatuses?.includes(res.status)) return parsed as T;
  throw problemToError(res.status, res.statusText, parsed);
}

/** Path segment for an id the API gave us, whatever its JSON type. */
export function seg(id: string | number): string {
  return encodeURIComponent(String(id));
}
