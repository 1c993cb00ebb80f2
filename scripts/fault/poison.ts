/**
 * Poison for every topic Wissel consumes: messages no consumer can take (not JSON, a DTD,
 * text PostgreSQL cannot store, an ack or a hold of the wrong shape). Each must be parked
 * on the dead-letter topic with its bytes while the partition moves on. Every message
 * carries a marker of its own, found again in the dead letter's `payloadBase64`.
 */
import { randomUUID } from 'node:crypto';
import { type Topics } from '@wissel/messaging';

export interface PoisonMessage {
  topic: string;
  marker: string;
  value: string;
  /** What is wrong with it, for the report. */
  kind: string;
}

export function poisonMessages(topics: Topics, round: number): PoisonMessage[] {
  const marker = (n: number) => `FAULT-POISON-${round}-${n}-${randomUUID()}`;
  const list: Array<[string, string, (m: string) => string]> = [
    [
      topics.canonicalIn,
      'truncated JSON',
      (m) => `{"schema":"wissel.referral/2","sourceRef":"${m}"`,
    ],
    [
      topics.canonicalIn,
      'U+0000 in a source id',
      (m) =>
        JSON.stringify({
          schema: 'wissel.referral/2',
          sourceRef: { system: 'IWF', id: `${m}\u0000` },
        }),
    ],
    [topics.urgentIn, 'not JSON', (m) => `urgent ${m}`],
    [
      topics.cybertipIn,
      'a DTD with an entity',
      (m) => `<?xml version="1.0"?><!DOCTYPE report [<!ENTITY x "${m}">]><report>&x;</report>`,
    ],
    [topics.xarfIn, 'a JSON array', (m) => JSON.stringify([m])],
    [topics.iccamIn, 'not an ICCAM report', (m) => JSON.stringify({ marker: m })],
    [
      topics.statusIn,
      'an ack whose note holds U+0000',
      (m) =>
        JSON.stringify({
          dispatchId: randomUUID(),
          recipient: 'nl-hotline',
          kind: 'received',
          at: new Date().toISOString(),
          note: `${m}\u0000`,
        }),
    ],
    [topics.statusIn, 'not JSON', (m) => `status ${m}`],
    [topics.holdsIn, 'a hold of no known shape', (m) => JSON.stringify({ marker: m })],
    [topics.holdsIn, 'truncated JSON', (m) => `{"hold":"${m}"`],
    [topics.knownHashesIn, 'not JSON', (m) => `known ${m}`],
  ];
  return list.map(([topic, kind, make], n) => {
    const m = marker(n);
    return { topic, kind, marker: m, value: make(m) };
  });
}
