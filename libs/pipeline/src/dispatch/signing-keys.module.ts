import { Logger, Module } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { loadWisselKeyring, WisselKeyring } from './wissel-keyring';

/** Wissel's signing key and published key set, for the dispatcher (signs) and the gateway (serves the JWKS). */
@Module({
  providers: [
    {
      provide: WisselKeyring,
      inject: [WisselConfig],
      useFactory: (config: WisselConfig) =>
        loadWisselKeyring(
          {
            keyFile: config.SIGNING_KEY_FILE,
            keyId: config.SIGNING_KEY_ID,
            previousKeys: config.SIGNING_PREVIOUS_KEYS,
            devKeyDir: config.SIGNING_DEV_KEY_DIR,
          },
          (message) => new Logger('signing').warn(message),
        ),
    },
  ],
  exports: [WisselKeyring],
})
export class SigningKeysModule {}
