/**
 * The one HTTP client of the app: `api` is openapi-fetch typed on the
 * `paths` that openapi-typescript generates from the gateway's document
 * (`api-types.ts`), so a request's path, parameters and body, and the type
 * of its answer, are the document's. `call(api.GET(...))` returns the body of
 * a 2xx answer or throws an `ApiError` carrying the RFC 9457 problem.
 */
import createClient from 'openapi-fetch';
import type { paths } from './api-types';
import { env } from './env';
import { markSessionExpired } from './session-expiry';
import type { Problem } from './types';

/** What a field error says besides its field, code and message (`min`, `max`, `allowed`...). */
export type FieldParams = Record<string, string | number | boolean>;

/**
 * One invalid field: `code` is the gateway's machine code (`too_long`,
 * `out_of_range`...; empty when it sent none) and `params` its flat
 * members; `message` is English, for an unknown code only.
 */
export type FieldError = { field: string; code: string; message: string; params: FieldParams };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly fieldErrors: FieldError[];
  readonly orderId: number | string | undefined;
  readonly traceId: string | undefined;
  /** How long to wait before trying again (`Retry-After` of a 429 or 503), in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    fieldErrors?: FieldError[];
    orderId?: number | string;
    traceId?: string;
    retryAfterSeconds?: number;
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
    this.retryAfterSeconds = init.retryAfterSeconds;
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

const FIELD_MEMBERS = new Set(['field', 'code', 'message']);

/** The flat members of an error entry besides `skip`: the parameters of its code. */
export function readParams(entry: Record<string, unknown>, skip: ReadonlySet<string> = FIELD_MEMBERS): FieldParams {
  const params: FieldParams = {};
  for (const [k, v] of Object.entries(entry)) {
    if (skip.has(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = v;
  }
  return params;
}

function parseFieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) => {
    if (!isRecord(e)) return [];
    const field = asString(e.field);
    const message = asString(e.message);
    if (field === undefined || message === undefined) return [];
    return [{ field, code: asString(e.code) ?? '', message, params: readParams(e) }];
  });
}

/**
 * A `Retry-After` header in seconds: delta-seconds or an HTTP date
 * (from `now`); undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Turns any error answer into an `ApiError`: a problem+json body is read
 * member by member (an odd or partial body never throws), anything else
 * (an HTML page from a proxy, an empty body) falls back to the HTTP status.
 */
export function problemToError(status: number, statusText: string, body: unknown, headers?: Headers): ApiError {
  const fallbackTitle = statusText || `HTTP ${status}`;
  const retryAfterSeconds = parseRetryAfter(headers?.get('Retry-After'));
  if (!isRecord(body)) {
    return new ApiError({ status, code: `HTTP_${status}`, title: fallbackTitle, detail: fallbackTitle, retryAfterSeconds });
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
    retryAfterSeconds,
  });
}

/**
 * A query string from parameters: absent ones (`undefined`, `null`) and
 * blank strings are left out, never sent empty (`?limit=` is a 422).
 */
export function serializeQuery(query: Readonly<Record<string, unknown>> | undefined): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new TypeError(`query parameter ${k}: only strings, numbers and booleans are sent`);
    }
    qs.set(k, String(v));
  }
  return qs.toString();
}

/** A URL of the gateway for what is not fetched (an EventSource, a download link). */
export function buildUrl(path: string, query?: Readonly<Record<string, unknown>>): string {
  const s = serializeQuery(query);
  return `${env.apiBaseUrl}${path}${s ? `?${s}` : ''}`;
}

export const api = createClient<paths>({
  // openapi-fetch builds a `Request`, which needs an absolute URL.
  baseUrl: env.apiBaseUrl || globalThis.location.origin,
  headers: { Accept: 'application/json, application/problem+json' },
  querySerializer: serializeQuery,
  // Looked up on each call (tests replace the global).
  fetch: (request) => globalThis.fetch(request),
});

/** The one path whose 401 means "wrong e-mail or password", not "signed out". */
const LOGIN_PATH = '/api/v1/auth/login';

// Any other 401 means the session is gone (expired, signed out elsewhere,
// revoked): the session gate sends the person to sign-in.
api.use({
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.endsWith(LOGIN_PATH)) markSessionExpired();
    return undefined;
  },
});

type Answer = { data?: unknown; error?: unknown; response: Response };
/** What a 2xx answer of this request carries, as the document types it. */
type Data<A extends Answer> = A extends { data: infer D; error?: never } ? D : never;

/**
 * Awaits a request made with `api`, turning a failed connection into an
 * `ApiError` (NETWORK_ERROR); an abort stays an `AbortError`. Any HTTP
 * answer is returned as openapi-fetch gave it.
 */
export async function send<A extends Answer>(request: Promise<A>): Promise<A> {
  try {
    return await request;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    if (e instanceof Error && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: NETWORK_ERROR,
      title: 'Network error',
      detail: e instanceof Error ? e.message : String(e),
    });
  }
}

/** The body of a 2xx answer; any other answer throws its `ApiError`. */
export async function call<A extends Answer>(request: Promise<A>): Promise<Data<A>> {
  const r = await send(request);
  if (!r.response.ok || r.error !== undefined) throw problemToError(r.response.status, r.response.statusText, r.error, r.response.headers);
  // A 2xx: openapi-fetch filled `data` with the body the document gives this path.
  return r.data as Data<A>;
}
