/**
 * Substance-use codes (F10-F19) the text supports when it describes no poisoning: intoxication
 * ("etoh intox", "high on meth") F1x.129, withdrawal ("dope sick", "opiate w/d") F1x.23(9),
 * dependence for a detox request or opioid agonist maintenance F1x.20, dependence with
 * intoxication F1x.229. Alcohol in the chief complaint is the reason for the visit: intoxication.
 */
import { substanceBlock, substanceCode } from './cm-codes.ts';
import { type FieldFacts, type Mention, ROLE_REASON } from './facts.ts';

type State = 'intoxication' | 'withdrawal' | 'dependence';

/**
 * "ETOH intox" + "also took 2 xanax": intoxication belongs to what its own field names; a field
 * that says "intoxicated" and names nothing lends it to the other field ("found intoxicated" +
 * "admits to drinking a fifth").
 */
function intoxicatedIn(f: FieldFacts, fields: readonly FieldFacts[]): boolean {
  if (f.intoxication) return true;
  return fields.some((o) => o !== f && o.intoxication && !o.mentions.some((m) => m.role === 'acute' && !m.term.generic));
}

export interface SubstanceUse {
  codes: string[];
  /** Acute mentions the visit's withdrawal or detox words make withdrawal or detox, for the negated list. */
  reread: string[];
}

export function substanceUseCodes(cc: FieldFacts | null, fields: readonly FieldFacts[], poisoning: boolean): SubstanceUse {
  const reread: string[] = [];
  const states = new Map<string, Set<State>>();
  const add = (m: Mention | string, state: State) => {
    const block = typeof m === 'string' ? m : substanceBlock(m.info);
    (states.get(block) ?? states.set(block, new Set()).get(block)!).add(state);
  };
  const any = (k: 'withdrawal' | 'detox' | 'intoxication' | 'alcoholSign' | 'depressed') => fields.some((f) => f[k]);
  const mentions = fields.flatMap((f) => f.mentions);
  const acute = mentions.filter((m) => m.role === 'acute' && !m.term.generic && m.info.category[0] === 'T' && Number(m.info.category.slice(1, 3)) <= 51);
  for (const m of mentions) {
    if (m.role === 'withdrawal') add(m, 'withdrawal');
    else if (m.role === 'detox' || m.role === 'maintenance') add(m, 'dependence');
  }
  if (!poisoning) {
    if (any('withdrawal')) {
      for (const m of acute) {
        add(m, 'withdrawal');
        reread.push(`${m.text}: ${ROLE_REASON.withdrawal}`);
      }
      // "DTs, hx heavy etoh use": the substance withdrawn from is the one used before.
      if (states.size === 0) for (const m of mentions) if (m.role === 'history' && !m.term.generic) add(m, 'withdrawal');
      if (states.size === 0) add('F19', 'withdrawal');
    } else if (any('detox')) {
      for (const m of acute) {
        add(m, 'dependence');
        reread.push(`${m.text}: ${ROLE_REASON.detox}`);
      }
      if (states.size === 0) add('F19', 'dependence');
    }
    for (const f of fields) {
      for (const m of f.mentions) {
        if (!acute.includes(m)) continue;
        const alcohol = m.info.deathCode === 'T51.0';
        if (intoxicatedIn(f, fields) || (alcohol && (any('alcoholSign') || any('depressed') || f === cc))) add(m, 'intoxication');
      }
    }
  }
  const codes: string[] = [];
  for (const [block, set] of states) {
    if (set.has('withdrawal')) codes.push(substanceCode.withdrawal(block));
    else if (set.has('dependence') && set.has('intoxication')) codes.push(`${block}.229`);
    else if (set.has('dependence')) codes.push(substanceCode.dependence(block));
    else codes.push(substanceCode.intoxication(block));
  }
  return { codes, reread };
}
