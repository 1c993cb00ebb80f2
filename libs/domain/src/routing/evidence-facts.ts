import { type CanonicalReferral } from '../referral/canonical-referral';
import { type AddressFacts, type RoutingFacts } from './routing-facts';

/**
 * Where one person's IP event was, without the address: the person and event are named by
 * their position in the referral, whose persons are sealed.
 */
export type LocatedPersonEvent = Omit<AddressFacts, 'ip'> & { person: number; event: number };

/** The facts as a decision's evidence keeps them: of persons only what was derived. */
export type EvidenceFacts = Omit<RoutingFacts, 'ipEvents'> & { personEvents: LocatedPersonEvent[] };

/**
 * The facts to store in a decision's evidence. The evidence is shown to operators without a
 * reveal and outlives the retention purge of personal data, so a person's address never goes
 * in: each located IP event is kept as its country and AS, pointing at its event.
 */
export function toEvidenceFacts(facts: RoutingFacts, referral: CanonicalReferral): EvidenceFacts {
  const located = new Map(facts.ipEvents.map(({ ip, ...rest }) => [ip, rest]));
  const personEvents: LocatedPersonEvent[] = [];
  referral.persons.forEach((person, p) =>
    (person.ipEvents ?? []).forEach((event, e) => {
      const where = located.get(event.ip);
      if (where) personEvents.push({ person: p, event: e, ...where });
    }),
  );
  const { ipEvents: _, ...rest } = facts;
  return { ...rest, personEvents };
}

/**
 * The facts a stored decision rests on, for deciding the referral again: the located IP
 * events are matched to the referral's (opened) persons by position. Evidence recorded
 * before addresses were left out has `ipEvents` with addresses stripped by a migration;
 * those events no longer count, and the stored investigation findings still say what they
 * showed then.
 */
export function factsFromEvidence(
  evidence: Record<string, unknown>,
  referral?: CanonicalReferral,
): RoutingFacts {
  const facts = evidence.facts as Partial<EvidenceFacts> | undefined;
  const ipEvents = (facts?.personEvents ?? []).flatMap(({ person, event, ...where }) => {
    const ip = referral?.persons[person]?.ipEvents?.[event]?.ip;
    return ip === undefined ? [] : [{ ip, ...where }];
  });
  return {
    hosts: facts?.hosts ?? [],
    ipEvents,
    holds: facts?.holds ?? [],
    disclosures: facts?.disclosures ?? [],
    senderTrace: facts?.senderTrace ?? [],
  };
}
