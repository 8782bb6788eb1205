/**
 * One ADT message (A01 admit, A03 discharge, A04 registration, A08 update) as the part of a
 * visit it carries, following the PHIN Messaging Guide for Syndromic Surveillance 2.0: visit
 * number PV1-19, admit date/time PV1-44, treating facility EVN-7 (else the sending facility
 * MSH-4), sex PID-8, county PID-11.9; the clinical content is in observations.ts. An empty field
 * is "not sent", never "erase".
 */
import type { EdVisit } from '../../records/ed-visit.ts';
import type { FieldError } from '../../records/ed-visit-schema.ts';
import { readObservations } from './observations.ts';
import type { Hl7Message, Segment } from './segments.ts';
import { countyFips, hl7Timestamp, sexCode } from './values.ts';

export const ADT_EVENTS: readonly string[] = ['A01', 'A03', 'A04', 'A08'];

/** What one message says about a visit; null = not in this message. */
export interface VisitUpdate {
  visitId: string;
  facilityId: string;
  /** ADT trigger event (MSH-9.2). */
  event: string;
  /** MSH-7 as an ISO local date-time: the order in which a visit's messages apply. */
  messageTime: string;
  visitDatetime: string | null;
  age: number | null;
  sex: EdVisit['sex'];
  patientCountyFips: string | null;
  chiefComplaint: string | null;
  triageNote: string | null;
  dischargeDiagnoses: string[] | null;
}

export type AdtResult = { ok: true; update: VisitUpdate } | { ok: false; recordId: string | null; errors: FieldError[] };

/** A facility identifier (HD): the universal id (NPI or OID, HD-2) if given, else the namespace id (HD-1). */
function facility(message: Hl7Message, segment: Segment | undefined, field: number): string {
  return message.value(segment, field, 2) || message.value(segment, field, 1);
}

export function adtVisitUpdate(message: Hl7Message): AdtResult {
  const msh = message.first('MSH');
  const pv1 = message.first('PV1');
  const visitId = message.value(pv1, 19);
  const recordId = visitId || null;
  const type = message.value(msh, 9, 1);
  const event = message.value(msh, 9, 2);
  if (type !== 'ADT' || !ADT_EVENTS.includes(event)) {
    const shown = [type, event].filter((part) => part !== '').join('^') || '(empty)';
    return { ok: false, recordId, errors: [{ field: 'MSH-9', message: `message type ${shown} is not ADT A01, A03, A04 or A08; skipped` }] };
  }
  const errors: FieldError[] = [];
  const time = (segment: Segment | undefined, field: number, where: string, what: string, required: boolean): string | null => {
    const text = message.value(segment, field);
    if (text === '') {
      if (required) errors.push({ field: where, message: `${what} is empty` });
      return null;
    }
    const checked = hl7Timestamp(text);
    if (checked.ok) return checked.value;
    errors.push({ field: where, message: `${what} ${checked.message}` });
    return null;
  };
  const messageTime = time(msh, 7, 'MSH-7', 'message date/time', true);
  const facilityId = facility(message, message.first('EVN'), 7) || facility(message, msh, 4);
  if (facilityId === '') errors.push({ field: 'MSH-4', message: 'sending facility is empty and EVN-7 names no treating facility' });
  if (pv1 === undefined) errors.push({ field: 'PV1', message: 'segment missing' });
  else if (visitId === '') errors.push({ field: 'PV1-19', message: 'visit id is empty' });
  const visitDatetime = time(pv1, 44, 'PV1-44', 'admit date/time', false);

  const pid = message.first('PID');
  if (pid === undefined) errors.push({ field: 'PID', message: 'segment missing' });
  let sex: EdVisit['sex'] = null;
  const sexText = message.value(pid, 8);
  if (sexText !== '') {
    const checked = sexCode(sexText);
    if (checked.ok) sex = checked.value;
    else errors.push({ field: 'PID-8', message: checked.message });
  }
  let patientCountyFips: string | null = null;
  const address = message.repetitions(pid, 11)[0];
  const county = address === undefined ? '' : message.component(address, 9).trim();
  if (county !== '') {
    const checked = countyFips(county, message.component(address!, 4).trim());
    if (checked.ok) patientCountyFips = checked.value;
    else errors.push({ field: 'PID-11.9', message: checked.message });
  }
  const observations = readObservations(message, errors);
  if (errors.length > 0 || messageTime === null) return { ok: false, recordId, errors };
  return { ok: true, update: { visitId, facilityId, event, messageTime, visitDatetime, sex, patientCountyFips, ...observations } };
}
