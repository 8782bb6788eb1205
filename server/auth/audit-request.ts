/**
 * The audit log from inside a request: the actor is the request's principal and the entry
 * carries the request id, so an audit row, the request log line and the X-Request-Id a user
 * reports all meet. Routes that serve record-level data call `auditRecordReadFor` before they
 * answer (a failed write fails the request rather than leaving a read unrecorded).
 */
import type { Response } from 'express';
import { appendAudit, auditActor, auditRecordRead, type AuditAction, type AuditEntry } from '../../pipeline/store/audit.ts';
import type { AppServices } from '../services.ts';
import { principalOf, requestIdOf } from './principal.ts';

export function auditRequest(services: Pick<AppServices, 'db'>, response: Response, entry: Omit<AuditEntry, 'actor' | 'role' | 'requestId'>): Promise<void> {
  return appendAudit(services.db, { ...auditActor(principalOf(response)), requestId: requestIdOf(response), ...entry });
}

/** Records that this request's caller read these records; `action` names the read ('read.line_list'). */
export function auditRecordReadFor(
  services: Pick<AppServices, 'db'>,
  response: Response,
  recordIds: readonly (number | bigint | string)[],
  action: AuditAction = 'read.records',
  detail?: Record<string, unknown>,
): Promise<void> {
  return auditRecordRead(services.db, principalOf(response), requestIdOf(response), recordIds, action, detail);
}
