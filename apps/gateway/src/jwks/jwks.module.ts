import { Module } from '@nestjs/common';
import { SigningKeysModule } from '@wissel/pipeline';
import { JwksController } from './jwks.controller';

/** GET /.well-known/jwks.json on the gateway. */
@Module({
  imports: [SigningKeysModule],
  controllers: [JwksController],
})
export class JwksModule {}
