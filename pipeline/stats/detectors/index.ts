/**
 * Temporal spike detectors: pure functions over a count series (oldest first), one point per
 * time unit. Which public method and defaults each follows: README.md in this folder.
 */
export { adaptiveRegression, fallingCount, type RegressionOptions, type RegressionPoint } from './regression.ts';
export { cusum, type CusumOptions, type CusumPoint, type CusumTransform } from './cusum.ts';
export { earsC, type EarsMethod, type EarsOptions, type EarsPoint } from './ears.ts';
export { ewma, ewmaSigmaTerms, type EwmaOptions, type EwmaPoint, type EwmaWeightResult } from './ewma.ts';
export { farringtonFlexible, type FarringtonOptions, type FarringtonPoint } from './farrington.ts';
export { normalCdf, normalQuantile, normalUpper } from './normal.ts';
export { STATUS_COLOUR, statusColour, statusFromP, type DetectorPoint, type DetectorStatus, type EssenceColour } from './status.ts';
export { studentTCdf, studentTQuantile, studentTUpper } from './student-t.ts';
export { regressionEwmaSwitch, type SwitchOptions, type SwitchPoint } from './switch.ts';
