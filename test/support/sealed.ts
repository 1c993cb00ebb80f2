import { EnvelopeCipher, keyProviderFromEnv } from '@wissel/crypto';
import { PersonalDataSealer } from '@wissel/pipeline';

/** Opens what the apps of a test stack sealed (its WISSEL_KEKS), to check what was stored. */
export function sealerFor(env: Record<string, string>): PersonalDataSealer {
  return new PersonalDataSealer(new EnvelopeCipher(keyProviderFromEnv(env)));
}
