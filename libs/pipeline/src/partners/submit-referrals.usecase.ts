import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { EnvelopeCipher } from '@wissel/crypto';
import { effectivePriority, REFERRAL_SCHEMA } from '@wissel/domain';
import {
  MESSAGE_PUBLISHER,
  MessageHeaders,
  Topics,
  type MessagePublisher,
  type OutboundMessage,
} from '@wissel/messaging';
import {
  InboundEvidenceRepository,
  PartnerSubmissionRepository,
  type ClaimedSubmission,
} from '@wissel/persistence';
import { jwkThumbprint } from '@wissel/signing';
import { evidenceBodyContext } from '../custody/evidence-body';
import { type AuthenticatedPartner } from './authenticate-partner.usecase';
import { PartnerClock } from './partner-clock';
import { DependencyUnavailableError, ForbiddenError } from './partner-errors';
import {
  parseSubmissionBody,
  type SubmissionFormat,
  type SubmittedReferral,
} from './submission-body';

/** Headers on each referral the gateway produces, naming who sent it and how it was signed. */
export const PartnerMessageHeaders = {
  partnerId: 'wissel-partner-id',
  /** The recipients the partner declared it is, comma-separated: the router never picks them. */
  partnerRecipients: 'wissel-partner-recipients',
  submissionId: 'wissel-submission-id',
  signatureKeyId: 'wissel-signature-key-id',
  /** The inbound_evidence row of the signed request (W11 chain of custody). */
  evidenceId: 'wissel-evidence-id',
} as const;

/** The `wissel-schema` header of each format, as a Kafka producer of that topic sets it. */
export const SUBMISSION_SCHEMA: Record<SubmissionFormat, string> = {
  canonical: REFERRAL_SCHEMA,
  xarf: 'xarf/4',
  cybertip: 'ncmec/cybertipline',
  iccam: 'iccam/3',
};

/** How long a partner should wait before retrying after a dependency outage. */
export const RETRY_AFTER_SECONDS = 5;

export interface SubmitReferralsCommand {
  partner: AuthenticatedPartner;
  format: SubmissionFormat;
  body: Buffer;
}

export interface SubmissionResult {
  id: string;
  sourceRef: { system: string; id: string };
  /** accepted: on its inbound topic now; duplicate: this sourceRef was accepted before. */
  status: 'accepted' | 'duplicate';
}

/**
 * Takes a partner's referrals in: validates the whole body (nothing is produced for an
 * invalid one), checks each sourceRef.system is the partner's, claims each sourceRef in
 * partner_submission with the signature evidence, produces the referrals not accepted
 * before to their inbound topic (acks=all), and only then marks them accepted. Resolving
 * means every referral in the result is durably on Kafka (or was already); the router
 * stores them idempotently by sourceRef, so producing a pending row again is safe.
 */
@Injectable()
export class SubmitReferralsUseCase {
  private readonly logger = new Logger('partner-submit');

  constructor(
    private readonly config: WisselConfig,
    private readonly topics: Topics,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
    private readonly submissions: PartnerSubmissionRepository,
    private readonly clock: PartnerClock,
    private readonly evidence: InboundEvidenceRepository,
    private readonly cipher: EnvelopeCipher,
  ) {}

  async execute(command: SubmitReferralsCommand): Promise<SubmissionResult[]> {
    const { partner, format } = command;
    const { batch, referrals } = parseSubmissionBody(format, command.body, {
      maxReferralBytes: this.config.MAX_MESSAGE_BYTES,
      maxBatch: this.config.MAX_BATCH_REFERRALS,
    });
    requireOwnSourceSystems(partner, referrals, batch ? 'batch' : format);

    const evidenceId = await this.keepEvidence(partner, command.body, batch);
    const claims = await this.submissions.claim(
      partner.partnerId,
      referrals.map(({ referral }) => ({
        id: randomUUID(),
        sourceSystem: referral.sourceRef.system,
        sourceId: referral.sourceRef.id,
        format,
      })),
      partner.evidence,
      evidenceId,
    );
    if (claims.some((c) => c.partnerId !== partner.partnerId)) {
      // Registration keeps source systems apart; this guards against a later change.
      throw new ForbiddenError(
        'source_system_not_allowed',
        'a sourceRef in this request belongs to another partner',
      );
    }
    const toProduce = referrals
      .map((item, i) => ({ item, claim: claims[i]! }))
      .filter(({ claim }) => claim.acceptedAt === null);

    await this.produce(partner, format, toProduce, evidenceId);
    const fresh = new Set(toProduce.map(({ claim }) => claim.id));
    const results = referrals.map(({ referral }, i): SubmissionResult => {
      const claim = claims[i]!;
      return {
        id: claim.id,
        sourceRef: { system: referral.sourceRef.system, id: referral.sourceRef.id },
        status: fresh.has(claim.id) ? 'accepted' : 'duplicate',
      };
    });
    this.logger.log(
      {
        partnerId: partner.partnerId,
        format,
        accepted: fresh.size,
        duplicates: results.length - fresh.size,
      },
      'submission handled',
    );
    return results;
  }

  /**
   * Keeps what was verified (the signature base, the key, when) for the chain of custody:
   * once per request, linked from each submission row and carried to the router in a
   * header. The body is kept only for a batch (sealed, as it holds reported URLs): a single
   * referral's body is its raw payload, which the router stores anyway.
   */
  private async keepEvidence(
    partner: AuthenticatedPartner,
    body: Buffer,
    batch: boolean,
  ): Promise<string | null> {
    const e = partner.evidence;
    if (e.signatureBase === undefined || e.label === undefined) return null;
    const id = randomUUID();
    await this.evidence.record({
      id,
      partnerId: partner.partnerId,
      verifiedAt: e.verifiedAt ?? this.clock.now(),
      label: e.label,
      keyId: e.keyId,
      alg: e.alg,
      created: e.created,
      nonce: e.nonce,
      signatureInput: e.signatureInput,
      signature: e.signature,
      signatureBase: e.signatureBase,
      contentDigest: e.contentDigest,
      publicJwk: e.publicJwk ?? null,
      keyThumbprint: e.publicJwk ? jwkThumbprint(e.publicJwk) : null,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      sealedBody: batch ? this.cipher.encrypt(body, evidenceBodyContext(id)) : null,
    });
    return id;
  }

  /**
   * Each format's own inbound topic, as a Kafka producer would use. Urgent canonical
   * referrals (threat to life, escalated) take the urgent topic instead, so they overtake
   * the normal backlog; that topic carries canonical JSON only, so a report in another
   * format stays on its own topic, where the router keeps its original bytes as evidence.
   */
  private topicFor(format: SubmissionFormat, item: SubmittedReferral): string {
    if (format === 'canonical' && effectivePriority(item.referral) === 'urgent') {
      return this.topics.urgentIn;
    }
    return this.topics.lane(format);
  }

  private async produce(
    partner: AuthenticatedPartner,
    format: SubmissionFormat,
    items: Array<{ item: SubmittedReferral; claim: ClaimedSubmission }>,
    evidenceId: string | null,
  ): Promise<void> {
    if (items.length === 0) return;
    const messages: OutboundMessage[] = items.map(({ item, claim }) => ({
      topic: this.topicFor(format, item),
      key: claim.id,
      value: item.payload,
      headers: {
        [MessageHeaders.schema]: SUBMISSION_SCHEMA[format],
        [PartnerMessageHeaders.partnerId]: partner.partnerId,
        [PartnerMessageHeaders.partnerRecipients]: partner.recipients.join(','),
        [PartnerMessageHeaders.submissionId]: claim.id,
        [PartnerMessageHeaders.signatureKeyId]: partner.evidence.keyId,
        ...(evidenceId === null ? {} : { [PartnerMessageHeaders.evidenceId]: evidenceId }),
      },
    }));
    try {
      await withinDeadline(this.publisher.publish(messages), this.config.API_PUBLISH_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn(
        { partnerId: partner.partnerId, error: (error as Error).name },
        'publishing a submission failed; nothing accepted',
      );
      throw new DependencyUnavailableError(
        'dependency_unavailable',
        'the message broker did not acknowledge the referrals; nothing was accepted, retry later',
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
    try {
      await this.submissions.markAccepted(
        items.map(({ claim }) => claim.id),
        this.clock.now(),
      );
    } catch {
      // Already on the topic; a retry produces it again and the router keeps one.
      throw new DependencyUnavailableError(
        'dependency_unavailable',
        'the database did not record the acceptance; retry later (a retry is stored once)',
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
  }
}

class PublishDeadlineError extends Error {
  override readonly name = 'PublishDeadlineError';
}

/**
 * The publish, or a rejection once `ms` have passed. A publish still running then may yet
 * succeed: its claims stay pending (not accepted), so the partner's retry produces them
 * again and the router stores each once.
 */
function withinDeadline(publish: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PublishDeadlineError(`no acknowledgement in ${ms} ms`)),
      ms,
    );
  });
  // A publish that fails after the deadline has nobody left to tell.
  publish.catch(() => undefined);
  return Promise.race([publish, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Where a referral's source system is, as a pointer into the body. CyberTipline and ICCAM
 * reports have none: the format itself names the system (NCMEC, ICCAM), so the refusal
 * names no field, only the system.
 */
const SOURCE_SYSTEM_FIELD: Partial<Record<SubmissionFormat | 'batch', string>> = {
  batch: '/{i}/sourceRef/system',
  canonical: '/sourceRef/system',
  xarf: '/reporter/domain',
};

/** A partner may submit only under the source systems registered for it. */
function requireOwnSourceSystems(
  partner: AuthenticatedPartner,
  referrals: SubmittedReferral[],
  shape: SubmissionFormat | 'batch',
): void {
  const i = referrals.findIndex(
    ({ referral }) => !partner.sourceSystems.includes(referral.sourceRef.system),
  );
  if (i < 0) return;
  const field = SOURCE_SYSTEM_FIELD[shape]?.replace('{i}', String(i));
  // The system name is the partner's own identifier, not reported content.
  throw new ForbiddenError(
    'source_system_not_allowed',
    `sourceRef.system "${referrals[i]!.referral.sourceRef.system}" is not registered for partner "${partner.partnerId}"`,
    field === undefined ? {} : { field },
  );
}
