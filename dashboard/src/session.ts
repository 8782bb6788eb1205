// Who is signed in, and what the role may see. The token lives in sessionStorage (gone when the
// tab closes) and goes out as `Authorization: Bearer …`; GET /api/session says its role.
import type { Http } from './api/http.ts';
import { isNotAvailable } from './api/http.ts';
import type { ViewName } from './route.ts';

export type Role = 'public' | 'admin' | 'uploader' | 'coder' | 'epidemiologist';
const ROLES: readonly Role[] = ['public', 'admin', 'uploader', 'coder', 'epidemiologist'];

export interface Session {
  role: Role;
  /** The token's name, when the server says. */
  name: string | null;
  jurisdictions: string[] | null;
  /** False when a token is held but the server cannot say its role (no /api/session yet). */
  roleKnown: boolean;
}

export const PUBLIC_SESSION: Session = Object.freeze({ role: 'public', name: null, jurisdictions: null, roleKnown: true });

/** What a role may see: the authorization matrix of server/auth/principal.ts, seen from the page. */
export interface Permissions {
  views: ReadonlySet<ViewName>;
  /** Space-time clusters: small counts in small places (the alerts themselves are for everyone; the server leaves out small ones for the public). */
  clusters: boolean;
  /** Records behind a cell: text, codes, rule trace. */
  lineList: boolean;
  /** Aggregates without small-number suppression (server/auth/principal.ts seesUnsuppressed). */
  unsuppressed: boolean;
}

export function permissionsOf(role: Role): Permissions {
  const views = new Set<ViewName>(['overview', 'alerts', 'combinations', 'reports']);
  const clusters = role === 'admin' || role === 'epidemiologist';
  const lineList = role === 'admin' || role === 'epidemiologist' || role === 'coder';
  if (role === 'admin' || role === 'coder') views.add('review');
  if (role === 'admin' || role === 'uploader') views.add('upload');
  const unsuppressed = role === 'admin' || role === 'epidemiologist' || role === 'coder';
  return { views, clusters, lineList, unsuppressed };
}

/** The role(s) a view needs, in words, for "sign in with … to see this". */
export function whoMaySee(view: ViewName): string {
  switch (view) {
    case 'review':
      return 'a coder or admin token';
    case 'upload':
      return 'an uploader or admin token';
    default:
      return 'no token';
  }
}

const TOKEN_KEY = 'vigil.token';
/** vgl_<12 id characters>_<43 secret characters>, as pipeline/store/tokens.ts issues them. */
const TOKEN_SHAPE = /^vgl_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/;

export function checkTokenShape(token: string): string | null {
  if (token === '') return 'Paste your API token first.';
  if (!TOKEN_SHAPE.test(token)) return 'That does not look like a vigil API token (they start with vgl_ and are 60 characters long). Paste it again, whole.';
  return null;
}

export class TokenStore {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {}

  get(): string | null {
    try {
      return this.storage.getItem(TOKEN_KEY);
    } catch {
      return null; // storage disabled: signed out
    }
  }

  set(token: string | null): void {
    try {
      if (token === null) this.storage.removeItem(TOKEN_KEY);
      else this.storage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage disabled: the token lasts until the page reloads (main.ts keeps it in memory too).
    }
  }
}

/**
 * The signed-in principal. A 404 (a server without /api/session yet) counts as the public, as
 * agreed until that route lands; a 401 (bad token) is thrown for the caller to report.
 */
export async function fetchSession(http: Http): Promise<Session> {
  try {
    const body = await http.json<Record<string, unknown>>('/api/session', { feature: 'sessions' });
    const principal = (body['principal'] ?? body) as Record<string, unknown>;
    const role = ROLES.includes(principal['role'] as Role) ? (principal['role'] as Role) : 'public';
    return {
      role,
      name: typeof principal['name'] === 'string' ? principal['name'] : null,
      jurisdictions: Array.isArray(principal['jurisdictions']) ? principal['jurisdictions'].map(String) : null,
      roleKnown: true,
    };
  } catch (error) {
    if (isNotAvailable(error)) return { ...PUBLIC_SESSION, roleKnown: false };
    throw error;
  }
}
