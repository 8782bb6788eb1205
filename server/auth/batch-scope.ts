/**
 * Which jurisdiction a batch is for, and who may see it. An uploader's batch takes its
 * jurisdiction from the credentials, so every record in it is checked against that jurisdiction
 * by the ingest path (a record of another is rejected with its line, id and field); an admin may
 * name any jurisdiction, or none (records then keep their own).
 */
import { JURISDICTION_CODE } from '../../pipeline/store/tokens.ts';
import { HttpError } from '../errors.ts';
import { coversJurisdiction, type Principal } from './principal.ts';

/** The jurisdiction an upload is for; throws 400 (missing or malformed) or 403 (outside the token's scope). */
export function uploadJurisdiction(principal: Principal, requested: string | undefined): string | null {
  if (requested !== undefined && !JURISDICTION_CODE.test(requested)) {
    throw new HttpError(400, `invalid jurisdiction: ${JSON.stringify(requested)} (expected a two-letter code such as MA)`);
  }
  if (principal.kind === 'public') throw new HttpError(401, 'sign in: uploading needs an API token (Authorization: Bearer …)');
  if (principal.role === 'admin') return requested ?? null;
  if (principal.role !== 'uploader') throw new HttpError(403, `a ${principal.role} token may not upload (needs uploader or admin)`);
  const scope = principal.jurisdictions ?? [];
  if (requested === undefined) {
    if (scope.length === 1) return scope[0]!;
    throw new HttpError(400, `missing jurisdiction: this token uploads for ${scope.join(', ')}; name one with ?jurisdiction=`);
  }
  if (!coversJurisdiction(principal, requested)) throw new HttpError(403, `this token may not upload for ${requested} (it uploads for ${scope.join(', ')})`);
  return requested;
}

/**
 * May this principal see a batch of this jurisdiction? Admins see every batch; an uploader only
 * batches of its own jurisdictions (not even those loaded for no jurisdiction). Callers answer a
 * refusal with the same 404 as a batch that does not exist, so nothing confirms it exists.
 */
export function seesBatch(principal: Principal, jurisdiction: string | null): boolean {
  return coversJurisdiction(principal, jurisdiction);
}
