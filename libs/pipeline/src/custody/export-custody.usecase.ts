import { Injectable } from '@nestjs/common';
import { EnvelopeCipher, isEnvelope } from '@wissel/crypto';
import { CustodyRecordReader, type CustodyRecord } from '@wissel/persistence';
import { DispatchPersonalData } from '../data-protection/dispatch-personal-data';
import { PersonalDataSealer } from '../data-protection/personal-data-sealer';
import { WisselKeyring } from '../dispatch/wissel-keyring';
import { NotFoundError } from '../partners/partner-errors';
import { evidenceBodyContext } from './evidence-body';
import {
  assembleCustodyDocument,
  signCustodyDocument,
  type CustodyDocument,
  type OpenedCustodyRecord,
} from './custody-document';

/**
 * Exports a referral's chain of custody as one document signed by Wissel
 * (docs/chain-of-custody.md). What is sealed at rest is opened here, through the sealer
 * (W11), because the raw payload and the persons are the evidence; the dispatches get their
 * persons back exactly as the relay did before signing, so their signatures verify. The
 * export itself is an audited action (who exported which referral, with which key).
 */
@Injectable()
export class ExportCustodyUseCase {
  constructor(
    private readonly reader: CustodyRecordReader,
    private readonly keyring: WisselKeyring,
    private readonly sealer: PersonalDataSealer,
    private readonly dispatchPersons: DispatchPersonalData,
    private readonly cipher: EnvelopeCipher,
  ) {}

  async execute(referralId: string, now: Date = new Date()): Promise<CustodyDocument> {
    const record = await this.reader.read(referralId);
    if (!record) throw new NotFoundError('referral_not_found', 'no referral with this id');
    const document = signCustodyDocument(
      assembleCustodyDocument(await this.open(record), now),
      this.keyring.privateKey,
      this.keyring.keyId,
      now,
    );
    // Audited before it is handed out: an export that cannot be recorded is not given.
    if (record.audit !== null) {
      await this.reader.noteExport(referralId, {
        format: document.format,
        kid: this.keyring.keyId,
        created: document.signature.created,
      });
    }
    return document;
  }

  private async open(record: CustodyRecord): Promise<OpenedCustodyRecord> {
    const { rawPayload, personalData, ...referral } = record.referral;
    // A row stored before sealing holds its raw payload in the clear until seal-existing.
    const raw =
      rawPayload !== null && isEnvelope(rawPayload)
        ? this.sealer.openRawPayload(referral.id, rawPayload).toString('utf8')
        : rawPayload;
    const canonical = this.sealer.openReferral(referral.id, referral.canonical, personalData);
    return {
      ...record,
      referral: {
        ...referral,
        canonical: canonical as unknown as Record<string, unknown>,
        rawPayload: raw,
      },
      evidence: record.evidence.map(({ sealedBody, ...e }) => ({
        ...e,
        body:
          sealedBody === null ? null : this.cipher.decrypt(sealedBody, evidenceBodyContext(e.id)),
      })),
      dispatches: await this.dispatchPersons.complete(record.dispatches),
    };
  }
}
