import { parse } from 'yaml';
import { INBOUND_LANES, PARTNER_TOPIC_ID, type InboundLane, type Topics } from '../topics';

/**
 * Which Kafka user may do what (W10): derived from the routing rules (recipients), the
 * Kafka partners file (partners that produce straight to Kafka) and the apps' own users.
 * Pure: no broker, no files; `npm run kafka-acls` applies or prints the result. The broker
 * runs with `allow.everyone.if.no.acl.found=false`, so anything not listed here is denied.
 */

export type AclOperation = 'read' | 'write' | 'describe';
export type AclResource = 'topic' | 'group';
export type AclPattern = 'literal' | 'prefixed';

export interface AclRule {
  /** `User:<name>`, the SASL user name as Kafka's principal. */
  principal: string;
  resource: AclResource;
  pattern: AclPattern;
  name: string;
  operation: AclOperation;
  /** Who gets it and why, for the printed table; not sent to the broker. */
  why: string;
}

export interface KafkaPartner {
  id: string;
  /** The partner's SASL user; default its id. */
  user: string;
  /** Lanes it writes, each on a topic of its own: `referrals.in.<lane>.<id>.v1`. */
  inbound: InboundLane[];
  /** The sourceRef.system values it sends under; the router dead-letters any other. */
  systems: string[];
  /** The recipients (routing rules ids) it is: never sent what it sends. */
  recipients: string[];
}

export interface AclPlanInput {
  topics: Topics;
  /** Recipients of the routing rules: id and how they are delivered to. */
  recipients: Array<{ id: string; delivery: 'kafka' | 'webhook'; kind: string }>;
  partners: KafkaPartner[];
  /** The SASL users of Wissel's own apps. */
  users: { router: string; dispatcher: string; gateway: string };
  /** ROUTER_GROUP_ID (its urgent lane's group is `<it>.urgent`) and STATUS_GROUP_ID. */
  groups: { router: string; status: string };
  /** KAFKA_TOPIC_PREFIX, also put before each recipient's consumer group prefix. */
  prefix: string;
}

const USER_NAME = /^[A-Za-z0-9._-]{1,128}$/;

export function planKafkaAcls(input: AclPlanInput): AclRule[] {
  const { topics } = input;
  const rules: AclRule[] = [];
  const add = (
    user: string,
    why: string,
    resource: AclResource,
    name: string,
    operations: AclOperation[],
    pattern: AclPattern = 'literal',
  ) => {
    if (!USER_NAME.test(user)) throw new Error(`"${user}" is not a valid Kafka user name`);
    for (const operation of operations) {
      rules.push({ principal: `User:${user}`, resource, pattern, name, operation, why });
    }
  };
  const { router, dispatcher, gateway } = input.users;

  // Router: reads every inbound lane (shared and per partner), hash lists and holds;
  // dead-letters what it cannot use. Literal per partner topic: a prefixed `referrals.in.`
  // would also cover topics created later that the plan never named.
  for (const topic of [
    ...topics.inbound.map((i) => i.topic),
    topics.urgentIn,
    ...topics.partnerInbound(input.partners).map((p) => p.topic),
    topics.knownHashesIn,
    topics.holdsIn,
  ]) {
    add(router, 'router reads inbound', 'topic', topic, ['read', 'describe']);
  }
  // Prefixed: the group and its urgent lane's `<group>.urgent`.
  add(router, 'router consumer groups', 'group', input.groups.router, ['read'], 'prefixed');
  add(router, 'router dead letters', 'topic', topics.deadLetter, ['write', 'describe']);

  // Dispatcher: writes every recipient's topic (dispatches and lifecycle messages), reads acks.
  for (const r of input.recipients) {
    add(dispatcher, 'dispatcher delivers', 'topic', topics.outbound(r.id), ['write', 'describe']);
  }
  add(dispatcher, 'dispatcher reads acks', 'topic', topics.statusIn, ['read', 'describe']);
  add(dispatcher, 'dispatcher ack group', 'group', input.groups.status, ['read']);
  add(dispatcher, 'dispatcher dead letters', 'topic', topics.deadLetter, ['write', 'describe']);

  // Gateway: puts API submissions on the lanes the partner API serves.
  for (const topic of [topics.canonicalIn, topics.xarfIn, topics.iccamIn, topics.urgentIn]) {
    add(gateway, 'gateway submits', 'topic', topic, ['write', 'describe']);
  }

  // Recipients on Kafka: their own topic and consumer groups, and acks on the status topic.
  for (const r of input.recipients.filter((x) => x.delivery === 'kafka')) {
    const why = `recipient ${r.id}`;
    add(r.id, why, 'topic', topics.outbound(r.id), ['read', 'describe']);
    // `<id>.` so that recipient "nl" never matches the groups of "nl-police".
    add(r.id, why, 'group', `${input.prefix}${r.id}.`, ['read'], 'prefixed');
    add(r.id, why, 'topic', topics.statusIn, ['write', 'describe']);
    if (r.kind === 'domestic_police') {
      add(r.id, `${why} (police holds)`, 'topic', topics.holdsIn, ['write', 'describe']);
    }
  }

  // Partners producing straight to Kafka: only their own topic on each of their lanes,
  // never a shared lane, so whatever the router reads there is theirs (W10).
  for (const p of input.partners) {
    for (const l of p.inbound) {
      add(p.user, `partner ${p.id}`, 'topic', topics.partnerIn(l, p.id), ['write', 'describe']);
    }
  }
  const apps = new Set([router, dispatcher, gateway]);
  const clash = [...input.recipients.map((r) => r.id), ...input.partners.map((p) => p.user)].find(
    (u) => apps.has(u),
  );
  // A recipient or partner named like an app would inherit the app's rights.
  if (clash) throw new Error(`Kafka user "${clash}" is also one of Wissel's app users`);
  return dedupe(rules);
}

/** One rule per (principal, resource, pattern, name, operation); the first reason is kept. */
function dedupe(rules: AclRule[]): AclRule[] {
  const seen = new Map<string, AclRule>();
  for (const r of rules) {
    const key = aclKey(r);
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()];
}

export function aclKey(r: Omit<AclRule, 'why'>): string {
  return [r.principal, r.resource, r.pattern, r.name, r.operation].join('|');
}

/** The plan as a table for `--dry-run`: one line per principal and resource. */
export function formatAclTable(rules: AclRule[]): string {
  const rows = new Map<string, { cells: string[]; ops: string[] }>();
  for (const r of rules) {
    const key = [r.principal, r.resource, r.pattern, r.name].join('|');
    const row = rows.get(key) ?? {
      cells: [r.principal, r.resource, `${r.name}${r.pattern === 'prefixed' ? '*' : ''}`, r.why],
      ops: [],
    };
    row.ops.push(r.operation.toUpperCase());
    rows.set(key, row);
  }
  const lines = [...rows.values()]
    .map(({ cells: [principal, resource, name, why], ops }) => [
      principal!,
      resource!,
      name!,
      ops.join(','),
      why!,
    ])
    .sort((a, b) => a[0]!.localeCompare(b[0]!) || a[2]!.localeCompare(b[2]!));
  const header = ['principal', 'resource', 'name (* = prefix)', 'operations', 'why'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

/**
 * The Kafka partners file (config/kafka-partners.yaml):
 *
 *   partners:
 *     ncmec: { inbound: [cybertip], systems: [NCMEC], recipients: [us-centre] }
 *     iwf: { inbound: [canonical, urgent], systems: [IWF], user: iwf-kafka }
 *
 * A source system belongs to one partner only (as in the partner registry).
 */
export function parseKafkaPartners(text: string): KafkaPartner[] {
  const doc = (parse(text) ?? {}) as { partners?: unknown };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('expected a mapping');
  const partners = doc.partners ?? {};
  if (typeof partners !== 'object' || partners === null || Array.isArray(partners)) {
    throw new Error('partners must be a mapping of partner id to { inbound, systems, user? }');
  }
  const owners = new Map<string, string>();
  return Object.entries(partners as Record<string, unknown>).map(([id, value]) => {
    if (!PARTNER_TOPIC_ID.test(id)) {
      throw new Error(`partner id "${id}" is invalid (lower-case letters, digits and "-")`);
    }
    const entry = (value ?? {}) as {
      inbound?: unknown;
      user?: unknown;
      systems?: unknown;
      recipients?: unknown;
    };
    const extra = Object.keys(entry).filter(
      (k) => !['inbound', 'user', 'systems', 'recipients'].includes(k),
    );
    if (extra.length > 0) throw new Error(`partner ${id}: unknown keys ${extra.join(', ')}`);
    const inbound = entry.inbound;
    if (
      !Array.isArray(inbound) ||
      inbound.length === 0 ||
      !inbound.every((l) => INBOUND_LANES.includes(l as InboundLane))
    ) {
      throw new Error(`partner ${id}: inbound must list some of ${INBOUND_LANES.join(', ')}`);
    }
    const user = entry.user ?? id;
    if (typeof user !== 'string' || !USER_NAME.test(user)) {
      throw new Error(`partner ${id}: user must be a Kafka user name`);
    }
    const systems = entry.systems;
    if (
      !Array.isArray(systems) ||
      systems.length === 0 ||
      !systems.every((x) => typeof x === 'string' && x.trim().length > 0)
    ) {
      throw new Error(`partner ${id}: systems must list the sourceRef.system values it sends`);
    }
    for (const system of systems as string[]) {
      const owner = owners.get(system);
      if (owner && owner !== id) {
        throw new Error(`partner ${id}: system "${system}" already belongs to partner ${owner}`);
      }
      owners.set(system, id);
    }
    const recipients = entry.recipients ?? [];
    if (
      !Array.isArray(recipients) ||
      !recipients.every((x) => typeof x === 'string' && x.trim().length > 0)
    ) {
      throw new Error(`partner ${id}: recipients must list the recipient ids it is`);
    }
    return {
      id,
      user,
      inbound: [...new Set(inbound as InboundLane[])],
      systems: [...new Set(systems as string[])],
      recipients: [...new Set(recipients as string[])],
    };
  });
}
