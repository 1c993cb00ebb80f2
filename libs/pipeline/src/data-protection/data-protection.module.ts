import { Global, Logger, Module } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { EnvelopeCipher } from '@wissel/crypto';
import { loadDataKeys } from './data-keys';
import { DispatchPersonalData } from './dispatch-personal-data';
import { PartnerSecretSealer } from './partner-secret-sealer';
import { PersonalDataSealer } from './personal-data-sealer';

/** The data keys from the validated configuration (DATA_KEYS_SOURCE and friends). */
export function dataKeysFromConfig(config: WisselConfig, warn: (message: string) => void) {
  return loadDataKeys(
    {
      source: config.DATA_KEYS_SOURCE as 'dev' | 'env' | 'file',
      keks: config.WISSEL_KEKS,
      file: config.DATA_KEYS_FILE,
      activeKeyId: config.DATA_KEY_ID,
      devKeyDir: config.SIGNING_DEV_KEY_DIR,
    },
    warn,
  );
}

/**
 * Field-level encryption at rest (W11): the envelope cipher over the configured KEKs, the
 * sealers every reader and writer of personal data and partner secrets goes through, and
 * the relay's completion of outgoing dispatches. Global: one key ring per app, however many modules need it.
 */
@Global()
@Module({
  providers: [
    {
      provide: EnvelopeCipher,
      inject: [WisselConfig],
      useFactory: (config: WisselConfig) =>
        new EnvelopeCipher(
          dataKeysFromConfig(config, (message) => new Logger('data-keys').warn(message)),
        ),
    },
    PersonalDataSealer,
    PartnerSecretSealer,
    DispatchPersonalData,
  ],
  exports: [EnvelopeCipher, PersonalDataSealer, PartnerSecretSealer, DispatchPersonalData],
})
export class DataProtectionModule {}
