/**
 * The baseline a syndrome definition must beat: a plain, case-insensitive keyword search of the
 * chief complaint and triage note, with no negation, no context and no diagnosis codes — how many
 * health departments start. Words a triage nurse would write for each syndrome.
 */
export const KEYWORD_BASELINE = {
  all_drug: /overdose|\bod\b|o\.d\.|narcan|naloxone|ingestion|intox/,
  opioid: /heroin|fentanyl|\bfent\b|opioid|opiate|oxycodone|\boxy\b|percocet|percs|narcan|naloxone|methadone|\bdope\b/,
  heroin: /heroin|\bdope\b|\bsmack\b/,
  fentanyl: /fentanyl|\bfent\b|fetty/,
  stimulant: /\bmeth\b|methamphetamine|amphetamine|cocaine|crack|\bcoke\b|adderall|molly|mdma|\bice\b/,
  cocaine: /cocaine|crack|\bcoke\b/,
  benzodiazepine: /benzo|xanax|alprazolam|klonopin|clonazepam|valium|diazepam|ativan|lorazepam|\bbars\b/,
} as const satisfies Record<string, RegExp>;
