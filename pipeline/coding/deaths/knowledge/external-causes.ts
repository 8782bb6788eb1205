/**
 * The external cause (underlying cause of an injury death) by mechanism and intent, WHO ICD-10
 * chapter XX, as NCHS codes deaths (no place-of-occurrence character). One table: a mechanism is
 * recognised from the certificate's words (patterns) and the intent from the manner of death.
 * Drug poisonings have their own table (overdose-cause.ts).
 */

export type InjuryIntent = 'accident' | 'suicide' | 'homicide' | 'undetermined';

export interface Mechanism {
  key: string;
  label: string;
  /** Words that name the mechanism, matched on normalised text (whole words). */
  patterns: RegExp;
  codes: Record<InjuryIntent, string>;
  /** Default nature-of-injury code when no more specific injury is named. */
  injury: string;
}

const words = (alternatives: string) => new RegExp(`\\b(?:${alternatives})\\b`);
/** A fall word together with a place, in either order: "fell down the stairs", "ladder fall". */
const fallFrom = (places: string) => {
  const fall = '\\b(?:fall|fell|falling|fallen|tumbled)\\b';
  const place = `\\b(?:${places})\\b`;
  return new RegExp(`${fall}.*${place}|${place}.*${fall}`);
};

/**
 * Order matters: the first mechanism whose words appear wins (firearm before "wound"; specific
 * kinds before their general one). Refinements name the specific external cause when the text
 * says it (handgun W32 rather than firearm W34), as NCHS codes from how-injury-occurred.
 */
export const MECHANISMS: readonly Mechanism[] = [
  { key: 'handgun', label: 'handgun discharge', patterns: words('handgun|hand gun|pistol|revolver'), codes: { accident: 'W32', suicide: 'X72', homicide: 'X93', undetermined: 'Y22' }, injury: 'T14.1' },
  { key: 'long_gun', label: 'rifle, shotgun and larger firearm discharge', patterns: words('rifle|shotgun|shot gun'), codes: { accident: 'W33', suicide: 'X73', homicide: 'X94', undetermined: 'Y23' }, injury: 'T14.1' },
  { key: 'firearm', label: 'firearm discharge', patterns: words('gunshot|gun shot|gsw|gsws|firearm|bullet|shot'), codes: { accident: 'W34', suicide: 'X74', homicide: 'X95', undetermined: 'Y24' }, injury: 'T14.1' },
  { key: 'hanging', label: 'hanging, strangulation and suffocation', patterns: words('hanging|hanged|ligature|strangulation|strangled|suffocation|smothering'), codes: { accident: 'W76', suicide: 'X70', homicide: 'X91', undetermined: 'Y20' }, injury: 'T71' },
  { key: 'drowning_bathtub', label: 'drowning in a bath-tub', patterns: /\b(?:drown\w*|submersion)\b.*\b(?:bath ?tub|bathtub|bath)\b|\b(?:bath ?tub|bathtub|bath)\b.*\b(?:drown\w*|submersion)\b/, codes: { accident: 'W65', suicide: 'X71', homicide: 'X92', undetermined: 'Y21' }, injury: 'T75.1' },
  { key: 'drowning_pool', label: 'drowning in a swimming pool', patterns: /\b(?:drown\w*|submersion)\b.*\b(?:pool|swimming pool)\b|\b(?:pool|swimming pool)\b.*\b(?:drown\w*|submersion)\b/, codes: { accident: 'W67', suicide: 'X71', homicide: 'X92', undetermined: 'Y21' }, injury: 'T75.1' },
  { key: 'drowning_natural', label: 'drowning in natural water', patterns: /\b(?:drown\w*|submersion)\b.*\b(?:lake|river|ocean|sea|pond|creek|canal|stream|bay)\b|\b(?:lake|river|ocean|sea|pond|creek|canal|stream|bay)\b.*\b(?:drown\w*|submersion)\b/, codes: { accident: 'W69', suicide: 'X71', homicide: 'X92', undetermined: 'Y21' }, injury: 'T75.1' },
  { key: 'drowning', label: 'drowning and submersion', patterns: words('drowning|drowned|submersion'), codes: { accident: 'W74', suicide: 'X71', homicide: 'X92', undetermined: 'Y21' }, injury: 'T75.1' },
  { key: 'pedestrian', label: 'pedestrian injured in a traffic collision with a car', patterns: words('pedestrian|struck by (?:a )?(?:car|vehicle|truck|automobile)|hit by (?:a )?(?:car|vehicle|truck)'), codes: { accident: 'V03.1', suicide: 'X81', homicide: 'Y03', undetermined: 'Y32' }, injury: 'T07' },
  { key: 'motorcycle_car', label: 'motorcycle rider in a traffic collision with a car', patterns: /\b(?:motorcycle|motorcyclist|motorbike)\b.*\b(?:car|vehicle|automobile|suv|van|pickup|truck)\b|\b(?:car|vehicle|automobile|suv|van|pickup|truck)\b.*\b(?:motorcycle|motorcyclist|motorbike)\b/, codes: { accident: 'V23.4', suicide: 'X82', homicide: 'Y03', undetermined: 'Y32' }, injury: 'T07' },
  { key: 'car_passenger_truck', label: 'car passenger in a traffic collision with a pickup truck or van', patterns: /\bpassenger\b.*\b(?:pickup|pick up|van|suv|truck)\b/, codes: { accident: 'V43.6', suicide: 'X82', homicide: 'Y03', undetermined: 'Y32' }, injury: 'T07' },
  { key: 'motorcycle', label: 'motorcycle rider in a traffic accident', patterns: words('motorcycle|motorcyclist|motorbike'), codes: { accident: 'V29.4', suicide: 'X82', homicide: 'Y03', undetermined: 'Y32' }, injury: 'T07' },
  { key: 'car_fixed_object', label: 'car driver in a collision with a fixed object', patterns: /\b(?:driver|drove|driving)\b.*\b(?:struck|hit|crashed into|collided with)\b.*\b(?:tree|pole|wall|barrier|guardrail|guard rail|fixed object|bridge|building)\b/, codes: { accident: 'V47.5', suicide: 'X82', homicide: 'Y03', undetermined: 'Y32' }, injury: 'T07' },
  { key: 'car_rollover', label: 'car driver in a noncollision traffic accident', patterns: /\b(?:driver|drove|driving)\b.*\b(?:rollover|rolled over|overturned|ran off the road|left the roadway)\b/, codes: { accident: 'V48.5', suicide: 'X82', homicide: 'Y03', undetermined: 'Y32' }, injury: 'T07' },
  { key: 'motor_vehicle', label: 'motor vehicle traffic', patterns: words('mvc|mva|motor vehicle|vehicle collision|car crash|car accident|automobile|vehicle accident|traffic'), codes: { accident: 'V89.2', suicide: 'X82', homicide: 'Y03', undetermined: 'Y32' }, injury: 'T07' },
  { key: 'falling_object', label: 'struck by a falling object', patterns: words('falling object|falling tree|falling debris|struck by (?:a )?falling|hit by (?:a )?falling'), codes: { accident: 'W20', suicide: 'X84', homicide: 'Y09', undetermined: 'Y34' }, injury: 'T07' },
  { key: 'jump', label: 'jumping from a high place', patterns: words('jumped|jumping|leapt|leaped'), codes: { accident: 'W13', suicide: 'X80', homicide: 'Y01', undetermined: 'Y30' }, injury: 'T07' },
  { key: 'fall_stairs', label: 'fall on and from stairs and steps', patterns: fallFrom('stairs|stairway|staircase|steps'), codes: { accident: 'W10', suicide: 'X80', homicide: 'Y01', undetermined: 'Y30' }, injury: 'T07' },
  { key: 'fall_ladder', label: 'fall from a ladder', patterns: fallFrom('ladder'), codes: { accident: 'W11', suicide: 'X80', homicide: 'Y01', undetermined: 'Y30' }, injury: 'T07' },
  { key: 'fall_building', label: 'fall from a building or structure', patterns: fallFrom('roof|balcony|building|window|bridge|scaffold|scaffolding|height'), codes: { accident: 'W13', suicide: 'X80', homicide: 'Y01', undetermined: 'Y30' }, injury: 'T07' },
  { key: 'fall_trip', label: 'fall on the same level from slipping, tripping or stumbling', patterns: fallFrom('tripped|slipped|stumbled|tripping|slipping|standing height|same level|ground level'), codes: { accident: 'W01', suicide: 'X80', homicide: 'Y01', undetermined: 'Y30' }, injury: 'T07' },
  { key: 'fall', label: 'fall', patterns: words('fall|fell|falling|fallen'), codes: { accident: 'W19', suicide: 'X80', homicide: 'Y01', undetermined: 'Y30' }, injury: 'T07' },
  { key: 'fire_building', label: 'uncontrolled fire in a building', patterns: words('house fire|structure fire|residential fire|building fire|apartment fire|home fire'), codes: { accident: 'X00', suicide: 'X76', homicide: 'X97', undetermined: 'Y26' }, injury: 'T30.0' },
  { key: 'fire', label: 'smoke, fire and flames', patterns: words('fire|flames|smoke inhalation|smoke|thermal burns|thermal injuries|burns|inhalation of products of combustion'), codes: { accident: 'X09', suicide: 'X76', homicide: 'X97', undetermined: 'Y26' }, injury: 'T30.0' },
  { key: 'sharp', label: 'sharp object', patterns: words('stab|stabbed|stab wound|stab wounds|stabbing|incised|sharp force|knife|laceration|cut'), codes: { accident: 'W26', suicide: 'X78', homicide: 'X99', undetermined: 'Y28' }, injury: 'T14.1' },
  { key: 'carbon_monoxide', label: 'carbon monoxide and other gases', patterns: words('carbon monoxide|co toxicity|co poisoning|carboxyhemoglobin|helium|nitrogen|exhaust|natural gas|propane'), codes: { accident: 'X47', suicide: 'X67', homicide: 'X88', undetermined: 'Y17' }, injury: 'T58' },
  { key: 'power_line', label: 'electric transmission lines', patterns: words('power line|power lines|transmission line|transmission lines|overhead line|overhead lines|utility line'), codes: { accident: 'W85', suicide: 'X83', homicide: 'Y08', undetermined: 'Y33' }, injury: 'T75.4' },
  { key: 'electric', label: 'electric current', patterns: words('electrocution|electrocuted|electric shock|electrical injury|electrical injuries|high voltage'), codes: { accident: 'W87', suicide: 'X83', homicide: 'Y08', undetermined: 'Y33' }, injury: 'T75.4' },
  { key: 'dog', label: 'bitten or struck by a dog', patterns: words('dog bite|dog bites|dog attack|mauled by (?:a )?dogs?|bitten by (?:a )?dog'), codes: { accident: 'W54', suicide: 'X84', homicide: 'Y09', undetermined: 'Y34' }, injury: 'T14.1' },
  { key: 'cold', label: 'excessive natural cold', patterns: words('hypothermia|exposure to cold|cold exposure'), codes: { accident: 'X31', suicide: 'X84', homicide: 'Y09', undetermined: 'Y34' }, injury: 'T68' },
  { key: 'heat', label: 'excessive natural heat', patterns: words('hyperthermia|heat stroke|heatstroke|environmental heat|heat exposure'), codes: { accident: 'X30', suicide: 'X84', homicide: 'Y09', undetermined: 'Y34' }, injury: 'T67.0' },
  { key: 'bodily_force', label: 'assault by bodily force', patterns: words('beaten|beating|punched|kicked|stomped|fists|manual assault'), codes: { accident: 'X59', suicide: 'X84', homicide: 'Y04', undetermined: 'Y34' }, injury: 'T07' },
  { key: 'blunt', label: 'blunt force', patterns: words('blunt force|blunt trauma|blunt injuries|blunt injury|assault|struck'), codes: { accident: 'X59', suicide: 'X84', homicide: 'Y00', undetermined: 'Y29' }, injury: 'T07' },
  { key: 'solvent', label: 'organic solvents and halogenated hydrocarbons', patterns: words('huffing|huffed|inhalant|inhalants|solvent|solvents|difluoroethane|aerosol|chloroethane|toluene|sniffing'), codes: { accident: 'X46', suicide: 'X66', homicide: 'X89', undetermined: 'Y16' }, injury: 'T53.9' },
  { key: 'pesticide', label: 'pesticides', patterns: words('pesticide|pesticides|insecticide|insecticides|herbicide|herbicides|organophosphate|organophosphates|rodenticide'), codes: { accident: 'X48', suicide: 'X68', homicide: 'X87', undetermined: 'Y18' }, injury: 'T60.9' },
  { key: 'chemical', label: 'other chemicals and noxious substances', patterns: words('chemical|corrosive|cyanide|azide'), codes: { accident: 'X49', suicide: 'X69', homicide: 'X90', undetermined: 'Y19' }, injury: 'T65.9' },
  { key: 'injury', label: 'unspecified injury', patterns: words('injury|injuries|trauma|traumatic|wound|wounds|fracture|fractures|asphyxia|asphyxiation'), codes: { accident: 'X59', suicide: 'X84', homicide: 'Y09', undetermined: 'Y34' }, injury: 'T14.9' },
];

/**
 * Any mechanism's words: one pass that rules out most deaths from disease before the ordered
 * search. Patterns that pair two words ("fell … ladder") contribute their required word only, so
 * this scan never backtracks over ".*".
 */
const ANY_MECHANISM = new RegExp(
  [
    ...MECHANISMS.filter((mechanism) => !mechanism.patterns.source.includes('.*')).map((mechanism) => mechanism.patterns.source),
    '\\b(?:driver|drove|driving|passenger|fall|fell|falling|fallen|tumbled|drown\\w*|submersion)\\b',
  ].join('|'),
);

const byKey = (key: string) => MECHANISMS.find((m) => m.key === key)!;

/**
 * The mechanism a toxic substance stands for, by its WHO T-code, when the words name none
 * ("ethylene glycol toxicity"): X46 solvents and glycols (T52-T53), X47 gases (T58-T59), X48
 * pesticides (T60), X49 other chemicals and noxious substances (T54-T57, T61, T62, T64, T65); with
 * the manner's intent (X66-X69, X86-X90, Y16-Y19). Venoms (T63) are contact with animals, not a
 * poisoning series: none.
 */
export function substanceMechanism(code: string): Mechanism | null {
  const category = code.slice(0, 3);
  if (category === 'T52' || category === 'T53') return byKey('solvent');
  if (category === 'T58' || category === 'T59') return byKey('carbon_monoxide');
  if (category === 'T60') return byKey('pesticide');
  if (/^T(5[4-7]|6[1245])$/.test(category)) return byKey('chemical');
  return null;
}

const mechanismMemo = new Map<string, Mechanism | null>();

/** The first mechanism the text names, or null (remembered per text: wordings recur). */
export function findMechanism(normalisedText: string): Mechanism | null {
  let found = mechanismMemo.get(normalisedText);
  if (found === undefined) {
    found = ANY_MECHANISM.test(normalisedText) ? (MECHANISMS.find((mechanism) => mechanism.patterns.test(normalisedText)) ?? null) : null;
    if (mechanismMemo.size >= 50_000) mechanismMemo.clear();
    mechanismMemo.set(normalisedText, found);
  }
  return found;
}
