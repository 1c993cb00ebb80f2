import { SignatureParamName } from './signature-params';

/** What every Wissel partner request must sign (design brief, "Interfaces"). */
export const WISSEL_COVERED_COMPONENTS: readonly string[] = [
  '@method',
  '@target-uri',
  'content-digest',
  'content-type',
];

/** The signature parameters Wissel requires: freshness, key, algorithm and replay guard. */
export const WISSEL_REQUIRED_PARAMS: readonly SignatureParamName[] = [
  'created',
  'keyid',
  'alg',
  'nonce',
];

/** How far `created` may be from the verifier's clock, either way. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

/** The Signature-Input / Signature label Wissel's client uses. */
export const DEFAULT_LABEL = 'sig';
