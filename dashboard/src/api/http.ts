// Every request the dashboard makes goes through one Http: it adds the signed-in token, and turns
// each failure into an ApiError whose message a person can act on. A route or parameter the
// server does not have yet (another part of vigil still being built) is a NotAvailableError, so a
// view can say "not available on this server" instead of showing an error.

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly url: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class NotAvailableError extends ApiError {
  constructor(message: string, status: number, url: string) {
    super(message, status, url);
    this.name = 'NotAvailableError';
  }
}

export interface RequestOptions {
  accept?: string | null;
  signal?: AbortSignal | undefined;
  /** What the request is for, in words ("drug combinations"), for a not-available message. */
  feature?: string;
  /**
   * Parameters (or parameter values) this request uses that older servers reject: a 400 naming
   * one of them means the server does not offer it yet.
   */
  newParameters?: readonly string[];
  method?: 'GET' | 'POST';
  body?: BodyInit;
  headers?: Record<string, string>;
}

export interface HttpOptions {
  /** The signed-in API token, or null for the public. */
  token: () => string | null;
  /** Called when the server rejects the token (401), after the error is built. */
  onUnauthorized?: (error: ApiError) => void;
  fetch?: typeof fetch;
}

export class Http {
  constructor(private readonly options: HttpOptions) {}

  authorization(): Record<string, string> {
    const token = this.options.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  async request(url: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.authorization(), ...options.headers };
    if (options.accept) headers['accept'] = options.accept;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: options.method ?? 'GET',
        headers,
        signal: options.signal ?? null,
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError('Could not reach the vigil server. Check that it is running and your network connection, then retry.', 0, url);
    }
    if (response.ok) return response;
    const error = await errorFrom(response, url, options);
    if (error.status === 401) this.options.onUnauthorized?.(error);
    throw error;
  }

  async json<T>(url: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(url, { accept: 'application/json', ...options });
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(`The server’s answer to ${pathOf(url)} is not JSON. Reload the page; if it persists, tell the vigil operators.`, response.status, url);
    }
  }
}

/** The server's own message from its JSON error shape, or null (a proxy's HTML page, say). */
async function serverMessage(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    return typeof body?.error?.message === 'string' ? body.error.message : null;
  } catch {
    return null;
  }
}

export async function errorFrom(response: Response, url: string, options: RequestOptions): Promise<ApiError> {
  const message = await serverMessage(response);
  const detail = message ?? (response.statusText || 'no detail');
  const feature = options.feature ?? pathOf(url);
  if (response.status === 404 && (message === null || message.startsWith('no route for'))) {
    return new NotAvailableError(`This server does not offer ${feature} yet.`, 404, url);
  }
  if (response.status === 400 && message !== null && rejectsNewParameter(message, options.newParameters ?? [])) {
    // The server's own words (a schema's list of options) would not help a reader here.
    return new NotAvailableError(`This server does not offer ${feature} yet.`, 400, url);
  }
  const advice =
    response.status === 401
      ? 'Your API token was not accepted (it may be mistyped or revoked). Sign in again, or sign out to see the public dashboard.'
      : response.status === 403
        ? 'Your token’s role may not see this; ask a vigil administrator for a token with the right role.'
        : response.status >= 500
          ? 'The server failed; retry in a moment, and tell the vigil operators if it keeps happening.'
          : response.status === 429
            ? 'Too many requests; wait a minute and retry.'
            : 'Check the filters (or reset them) and retry.';
  return new ApiError(`The server answered ${response.status}: ${detail}. ${advice}`, response.status, url);
}

/** zod's messages through server/errors.ts: `Unrecognized key: "source"` or `invalid unit: "day" (…)`. */
export function rejectsNewParameter(message: string, names: readonly string[]): boolean {
  return names.some((name) => message.includes(`Unrecognized key: "${name}"`) || message.startsWith(`invalid ${name}:`) || message.includes(`; invalid ${name}:`));
}

function pathOf(url: string): string {
  return url.split('?')[0] ?? url;
}

export function isNotAvailable(error: unknown): error is NotAvailableError {
  return error instanceof NotAvailableError;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
