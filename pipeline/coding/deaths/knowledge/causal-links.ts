/**
 * Which conditions may be due to which: the causal knowledge the selection rules consult, as
 * data. A row says the consequence (left) may be reported as due to the cause (right). A pair
 * no row accepts is not an acceptable sequence, and Rule 1 or 2 decides instead.
 *
 * Modelled on the relations WHO ICD-10 Volume 2 (4.2.2-4.2.7) and the NCHS ACME decision tables
 * accept for the conditions that dominate US mortality; it is not a copy of those tables.
 */
import { codeSet } from './codes.ts';

/** [consequence, may be due to, note] */
const LINKS: ReadonlyArray<readonly [string, string, string]> = [
  // Terminal states and mechanisms may follow any condition.
  ['R00-R99', '*', 'ill-defined states and symptoms follow any condition'],
  ['I46, I49.0, J96, R57, R68.8, R09.2, G93.1, G93.4, G93.6, D65, E86, E87, J80, J69, I26', '*', 'terminal mechanisms and complications'],
  // Infections that complicate debilitating illness, injuries and procedures.
  ['A40-A41, J12-J18, N39.0, A04.7, L89', '*', 'pneumonia, sepsis and infections complicate many conditions'],
  // Circulatory.
  ['I50, I51', 'I05-I15, I20-I25, I30-I49, E10-E14, J44, N18, E66, F10, T40, T43', 'heart failure'],
  ['I20-I24', 'I25, I10-I15, E10-E14, E78, E66, I70, T40.5, T43.6', 'acute ischaemic heart disease'],
  ['I25', 'I10-I15, E10-E14, E78, E66, I70, T40.5, T43.6', 'chronic ischaemic heart disease'],
  ['I42', 'I10-I15, F10, T40.5, T43.6, E66', 'cardiomyopathy'],
  ['I48, I49', 'I05-I15, I20-I25, I30-I45, I50-I51, E05', 'arrhythmias'],
  ['I60-I69', 'I10-I15, I20-I25, I48, I05-I09, I34-I38, E10-E14, E78, I70, D68, T40.5, T43.6', 'cerebrovascular disease'],
  ['F01, F03', 'I60-I69, G30, G20, G31', 'dementia'],
  ['I71', 'I10-I15, I70, Q87.4, T40.5, T43.6', 'aortic aneurysm and dissection'],
  ['I70-I74', 'E10-E14, I10-I15, E78, F17', 'atherosclerosis and embolism'],
  ['I10-I15', 'N00-N29, E10-E14, E24, E26, E27', 'secondary hypertension'],
  // Kidney, liver, digestive.
  ['N17-N19', 'I10-I15, E10-E14, I50, N00-N16, N20-N29, Q60-Q64, A40-A41, C90, D59, M32, T79.5', 'kidney failure'],
  ['K72, K76.6, K76.7, I85', 'K70, K73-K75, B15-B19, C22', 'liver failure and portal hypertension'],
  ['K70-K77', 'F10, B15-B19, E66, E83', 'liver disease'],
  ['K92, K25-K28', 'K25-K28, K70-K77, I85, C15-C26, D68, M05-M06', 'gastrointestinal haemorrhage and ulcer'],
  ['K56, K65', 'C15-C26, K35-K46, K55, K57', 'obstruction and peritonitis'],
  // Respiratory.
  ['J43-J44, J47', 'F17, J45', 'chronic obstructive pulmonary disease'],
  ['J84, J98', 'J44, M05-M34, C33-C34', 'other lung disease'],
  // Neoplasms: metastases and complications of a primary.
  ['C77-C79', 'C00-C76, C80-C97', 'secondary neoplasms'],
  ['D61, D70', 'C00-C97', 'marrow failure and neutropenia after cancer'],
  // Endocrine and metabolic.
  ['E10-E14', 'E66, K85-K86', 'diabetes'],
  ['G40-G41', 'I60-I69, C71, S06, F10, G30, Q04', 'seizures'],
  ['G93.2, G91', 'C71, I60-I62, S06', 'raised intracranial pressure and hydrocephalus'],
  // Alcohol and drug use leading to poisoning-adjacent disease.
  ['F10-F19', 'F10-F19', 'substance use'],
  // Nature of injury: complications of injury.
  ['S00-T98', 'S00-T98', 'injury complications'],
];

/**
 * Compiles [consequence, cause, note] rows into a lookup: the note of the first row accepting
 * "consequence due to cause", or null. Answers are remembered per pair: a certificate asks the
 * same few pairs many times. A condition is never due to itself.
 */
function compileLinks(rows: ReadonlyArray<readonly [string, string, string]>): (consequence: string, cause: string) => string | null {
  const compiled = rows.map(([consequence, cause, note]) => ({ consequence: codeSet(consequence), cause: codeSet(cause), note }));
  const memo = new Map<string, string | null>();
  return (consequence, cause) => {
    if (consequence === cause) return null;
    const key = `${consequence}<${cause}`;
    let answer = memo.get(key);
    if (answer === undefined) {
      answer = compiled.find((link) => link.consequence(consequence) && link.cause(cause))?.note ?? null;
      if (memo.size < 200_000) memo.set(key, answer);
    }
    return answer;
  };
}

/** The table row that accepts "consequence due to cause", or null. */
export const causalLink = compileLinks(LINKS);

/**
 * Rule 3 ("obviously a direct consequence"), narrower than "may be due to": the selected
 * condition gives way only to a reported condition of which it is a well-known direct result.
 * [direct consequence, of, note]
 */
const DIRECT_CONSEQUENCES: ReadonlyArray<readonly [string, string, string]> = [
  ['J12-J18, J69, N39.0, L89', 'F00-F03, G30, G20, G35, G12.2, G80-G83, I69, C00-C97, B20-B24, Q90', 'infection and pressure sores complicating debilitating disease'],
  ['A40-A41', 'J12-J18, N39.0, L89, K65, K35, K81, L03, T79.3, T81.4, I33', 'sepsis from a reported infection'],
  ['I26, I80-I82', 'C00-C97, S72, T07, G82, E66', 'thromboembolism complicating cancer, fracture or immobility'],
  ['E86, E87', 'A09, K52, K56, N17-N19, E10-E14', 'dehydration and electrolyte disorders'],
];

/** The Rule 3 row by which `consequence` is obviously a direct consequence of `cause`, or null. */
export const directConsequence = compileLinks(DIRECT_CONSEQUENCES);
