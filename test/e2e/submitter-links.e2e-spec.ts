/**
 * Partners linked to the recipients they are, on the real stack: an authenticated
 * submitter — an API partner, or the owner of a Kafka partner topic — never gets its own
 * referral back, whatever the referral's `via` and `sourceRef` say, also when the referral
 * is decided again after a police hold is lifted. Registrations that would blur who is who
 * are refused.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { PartnerClient } from '@wissel/partner-client';
import { provisionTopics } from '@wissel/messaging';
import {
  GetDecisionRecordUseCase,
  LiftPoliceHoldUseCase,
  SetPoliceHoldUseCase,
} from '@wissel/pipeline';
import { publicJwk } from '@wissel/signing';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type Messaging } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');

/** Hosted in Great Britain (by the sender's hint), under a system and via that name no recipient. */
const britishReferral = (system: string) =>
  canonicalReferral({
    sourceRef: { system, id: `${system}-${randomUUID()}` },
    via: ['elsewhere.example'],
    hints: { hostingCountry: 'GB' },
  });

describe.each<Messaging>(['kafka', 'postgres'])(
  'partners linked to recipients on %s',
  (messaging) => {
    const dir = mkdtempSync(join(tmpdir(), 'wissel-submitter-'));
    let stack: TestStack;
    let router: INestApplication;
    let baseUrl: string;
    const linkedKey = generateKeyPairSync('ed25519');
    const plainKey = generateKeyPairSync('ed25519');
    let linked: PartnerClient;
    let plain: PartnerClient;

    const operator = (method: string, path: string, body?: unknown) =>
      fetch(baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    beforeAll(async () => {
      stack = await TestStack.create(`submitter_${messaging}`, { messaging });
      // A Kafka partner that is the GB hotline, producing to its own topic.
      const partnersFile = join(dir, 'kafka-partners.yaml');
      writeFileSync(
        partnersFile,
        'partners:\n  ofl: { inbound: [canonical], systems: [OFL], recipients: [gb-hotline] }\n',
      );
      if (messaging === 'kafka') {
        await provisionTopics(stack.kafka, [stack.topics.partnerIn('canonical', 'ofl')], {
          partitions: 1,
          replicationFactor: 1,
        });
      }
      ({ baseUrl } = await stack.listen('gateway', {
        OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
      }));
      router = await stack.start('router', { KAFKA_PARTNERS_FILE: partnersFile });
      linked = new PartnerClient({
        baseUrl,
        keyId: 'gbl-1',
        key: { alg: 'ed25519', privateKey: linkedKey.privateKey },
      });
      plain = new PartnerClient({
        baseUrl,
        keyId: 'pln-1',
        key: { alg: 'ed25519', privateKey: plainKey.privateKey },
      });
    });

    afterAll(async () => {
      await stack?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function decisionOf(sourceId: string) {
      const id = await eventually(async () => {
        const { rows } = await stack.db.query<{ id: string }>(
          `SELECT r.id FROM referral r JOIN decision d ON d.referral_id = r.id WHERE r.source_id = $1`,
          [sourceId],
        );
        return rows[0]?.id;
      }, `the decision of ${sourceId}`);
      return router.get(GetDecisionRecordUseCase).execute(id);
    }

    it('refuses a registration that blurs a partner with a recipient', async () => {
      const unlinked = await operator('POST', '/admin/partners', {
        id: 'gb-hotline',
        name: 'Looks like the GB hotline',
        sourceSystems: ['GBH'],
      });
      expect(unlinked.status).toBe(400);
      expect(unlinked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await unlinked.json()).toMatchObject({
        code: 'partner_recipient_unlinked',
        field: 'recipients',
      });
      const unknown = await operator('POST', '/admin/partners', {
        id: 'nobody',
        name: 'Links to nothing',
        sourceSystems: ['NOBODY'],
        recipients: ['xx-hotline'],
      });
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({ code: 'partner_recipient_unknown' });
      // Declared, the same id is fine.
      const declared = await operator('POST', '/admin/partners', {
        id: 'gb-hotline',
        name: 'The GB hotline itself',
        sourceSystems: ['GBH'],
        recipients: ['gb-hotline'],
      });
      expect(declared.status).toBe(201);
      expect(await declared.json()).toMatchObject({ recipients: ['gb-hotline'] });
    });

    it('never sends an API partner its own referral, whatever via and sourceRef say', async () => {
      for (const [id, system, recipients, keyId, key] of [
        ['gbl', 'GBL', ['gb-hotline'], 'gbl-1', linkedKey],
        ['pln', 'PLN', [], 'pln-1', plainKey],
      ] as const) {
        const made = await operator('POST', '/admin/partners', {
          id,
          name: id,
          sourceSystems: [system],
          recipients,
        });
        expect(made.status).toBe(201);
        const res = await operator('POST', `/admin/partners/${id}/keys`, {
          keyId,
          alg: 'ed25519',
          publicJwk: publicJwk(key.publicKey),
        });
        expect(res.status).toBe(201);
      }
      const own = britishReferral('GBL');
      const other = britishReferral('PLN');
      expect((await linked.submit(own)).status).toBe(202);
      expect((await plain.submit(other)).status).toBe(202);

      const ownRecord = await decisionOf(own.sourceRef.id);
      expect(ownRecord.decisions[0]).toMatchObject({
        recipients: ['review'],
        droppedForLoop: ['gb-hotline'],
        rule: 'nothing_to_route',
      });
      expect(ownRecord.decisions[0]!.evidence).toMatchObject({
        submitter: { partnerId: 'gbl', recipients: ['gb-hotline'] },
      });
      // A partner that is no recipient: the same referral goes to the GB hotline.
      expect((await decisionOf(other.sourceRef.id)).decisions[0]).toMatchObject({
        recipients: ['gb-hotline'],
        droppedForLoop: [],
      });
    });

    it('keeps the submitter out when a lifted police hold decides the referral again', async () => {
      const referral = britishReferral('GBL');
      const hold = await router.get(SetPoliceHoldUseCase).execute({
        kind: 'url',
        value: referral.locators[0]!.url,
        setBy: 'e2e',
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      expect((await linked.submit(referral)).status).toBe(202);
      expect((await decisionOf(referral.sourceRef.id)).decisions[0]).toMatchObject({
        rule: 'police_hold',
        recipients: ['nl-police'],
      });
      const { released } = await router.get(LiftPoliceHoldUseCase).execute(hold.id, 'e2e');
      expect(released).toHaveLength(1);
      const record = await decisionOf(referral.sourceRef.id);
      expect(record.decisions[0]).toMatchObject({
        cause: 'hold_lifted',
        recipients: ['review'],
        droppedForLoop: ['gb-hotline'],
      });
      expect(record.dispatches.map((d) => d.recipientId).sort()).toEqual(['nl-police', 'review']);
    });

    it('never sends a Kafka partner what it produced to its own topic', async () => {
      const referral = britishReferral('OFL');
      await stack.produce(stack.topics.partnerIn('canonical', 'ofl'), [asMessage(referral)]);
      const record = await decisionOf(referral.sourceRef.id);
      expect(record.decisions[0]).toMatchObject({
        recipients: ['review'],
        droppedForLoop: ['gb-hotline'],
      });
      expect(record.decisions[0]!.evidence).toMatchObject({
        submitter: { partnerId: 'ofl', recipients: ['gb-hotline'] },
      });
    });

    it('refuses to start with a Kafka partner linked to a recipient that does not exist', async () => {
      const bad = join(dir, 'bad-partners.yaml');
      writeFileSync(
        bad,
        'partners:\n  gb-hotline: { inbound: [canonical], systems: [GBK] }\n' +
          '  other: { inbound: [xarf], systems: [OTH], recipients: [xx-hotline] }\n',
      );
      await expect(stack.start('router', { KAFKA_PARTNERS_FILE: bad })).rejects.toThrow(
        /partner gb-hotline: partner id "gb-hotline" is a recipient's id.*partner other: recipient "xx-hotline" is not in the routing rules/,
      );
    });
  },
);
