import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import {
  ConfigurationError,
  noticeClockPolicy,
  toCountry,
  type HostingOverride,
  type Recipient,
  type RecipientDelivery,
  type RecipientKind,
  type RoutingRules,
} from '@wissel/domain';
import schema from './routing-file.schema.json';

interface RoutingFile {
  version?: string;
  node: { hopIds: string[] };
  home: string;
  reviewRecipient: string;
  recipients: Record<
    string,
    {
      kind: RecipientKind;
      country?: string;
      hopIds?: string[];
      ntdDeadlineHours?: number;
      delivery?: 'kafka' | 'webhook';
      webhook?: { url: string; timeoutMs?: number };
    }
  >;
  cdnAsns?: Record<string, string>;
  overrides?: HostingOverride[];
  senderHintFallback?: boolean;
  priorities?: { policeWhenHostedAtHome?: Array<'normal' | 'high' | 'urgent'> };
}

const MAX_ASN = 4_294_967_295;

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['uri']);
const validate = ajv.compile<RoutingFile>(schema);

/** Reads the routing rules file; an unusable file stops start-up with the reason. */
export function loadRoutingRules(path: string): RoutingRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `routing config ${path} cannot be read: ${(error as Error).message}`,
    );
  }
  return parseRoutingRules(text, path);
}

export function parseRoutingRules(text: string, origin = 'routing config'): RoutingRules {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigurationError(`${origin} is not valid YAML: ${(error as Error).message}`);
  }
  if (!validate(document)) {
    const problems = (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
    );
    throw new ConfigurationError(`${origin} is invalid: ${problems.join('; ')}`, { problems });
  }
  const recipients = new Map<string, Recipient>(
    Object.entries(document.recipients).map(([id, r]) => [
      id,
      {
        id,
        kind: r.kind,
        country: r.country,
        hopIds: r.hopIds ?? [],
        ...(r.ntdDeadlineHours === undefined ? {} : { ntdDeadlineHours: r.ntdDeadlineHours }),
        delivery: deliveryOf(r),
      },
    ]),
  );
  if (!recipients.has(document.reviewRecipient)) {
    throw new ConfigurationError(
      `${origin} is invalid: reviewRecipient "${document.reviewRecipient}" is not in recipients`,
    );
  }
  const problems = meaningProblems(document);
  if (problems.length > 0) {
    throw new ConfigurationError(`${origin} is invalid: ${problems.join('; ')}`, { problems });
  }
  // The content hash makes the version change whenever the rules do, even if the
  // operator forgets to bump the declared version.
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return {
    version: `${document.version ?? 'unversioned'}+${digest}`,
    node: { hopIds: [...document.node.hopIds] },
    home: document.home,
    reviewRecipient: document.reviewRecipient,
    recipients,
    cdnAsns: new Map(
      Object.entries(document.cdnAsns ?? {}).map(([asn, name]) => [Number(asn), name]),
    ),
    overrides: (document.overrides ?? []).map((o) => ({ ...o })),
    senderHintFallback: document.senderHintFallback ?? true,
    policeWhenHostedAtHome: new Set(document.priorities?.policeWhenHostedAtHome ?? ['urgent']),
  };
}

/**
 * What the schema cannot say: real country codes, a police partner's country (abroad), AS
 * numbers in range, one entry per suffix.
 */
function meaningProblems(document: RoutingFile): string[] {
  const problems: string[] = [];
  if (!toCountry(document.home)) problems.push(`/home "${document.home}" is not a country code`);
  for (const [id, recipient] of Object.entries(document.recipients)) {
    if (recipient.country !== undefined && !toCountry(recipient.country)) {
      problems.push(`/recipients/${id}/country "${recipient.country}" is not a country code`);
    }
    if (recipient.kind === 'partner_police' && recipient.country === undefined) {
      problems.push(`/recipients/${id} needs the country whose police it is`);
    } else if (recipient.kind === 'partner_police' && recipient.country === document.home) {
      problems.push(`/recipients/${id} is at home: the domestic police is kind domestic_police`);
    }
    problems.push(...webhookProblems(id, recipient));
    if (recipient.ntdDeadlineHours !== undefined) {
      try {
        noticeClockPolicy({ deadlineHours: recipient.ntdDeadlineHours });
      } catch (error) {
        problems.push(`/recipients/${id}/ntdDeadlineHours: ${(error as Error).message}`);
      }
    }
  }
  for (const asn of Object.keys(document.cdnAsns ?? {})) {
    if (Number(asn) > MAX_ASN) problems.push(`/cdnAsns/${asn} is not an AS number`);
  }
  problems.push(...nodeProblems(document));
  const seen = new Set<string>();
  (document.overrides ?? []).forEach((override, i) => {
    if (!toCountry(override.country)) {
      problems.push(`/overrides/${i}/country "${override.country}" is not a country code`);
    }
    if (seen.has(override.suffix)) {
      problems.push(`/overrides/${i}/suffix "${override.suffix}" is listed twice`);
    }
    seen.add(override.suffix);
  });
  return problems;
}

/**
 * The node's hop ids are its own: a recipient named the same (by id or hop id) would be
 * taken for this node in a `via`, and every referral it sent would look like a loop.
 */
function nodeProblems(document: RoutingFile): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const [id, recipient] of Object.entries(document.recipients)) {
    for (const name of [id, ...(recipient.hopIds ?? [])]) owners.set(name.toLowerCase(), id);
  }
  const own = new Set<string>();
  document.node.hopIds.forEach((hop, i) => {
    const key = hop.toLowerCase();
    if (own.has(key)) problems.push(`/node/hopIds/${i} "${hop}" is listed twice`);
    own.add(key);
    const owner = owners.get(key);
    if (owner) problems.push(`/node/hopIds/${i} "${hop}" is also recipient ${owner}'s name`);
  });
  return problems;
}

type RecipientEntry = RoutingFile['recipients'][string];

function deliveryOf(recipient: RecipientEntry): RecipientDelivery {
  if (recipient.delivery !== 'webhook' || !recipient.webhook) return { kind: 'kafka' };
  const { url, timeoutMs } = recipient.webhook;
  return { kind: 'webhook', url, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A webhook needs `delivery: webhook` and the other way round; its URL is https (plain http
 * only to a loopback address, for local runs and tests) and carries no credentials.
 */
function webhookProblems(id: string, recipient: RecipientEntry): string[] {
  const at = `/recipients/${id}`;
  if (recipient.delivery === 'webhook' && !recipient.webhook) {
    return [`${at} has delivery webhook but no webhook.url`];
  }
  if (!recipient.webhook) return [];
  if (recipient.delivery !== 'webhook')
    return [`${at}/webhook is given but delivery is not webhook`];
  let url: URL;
  try {
    url = new URL(recipient.webhook.url);
  } catch {
    return [`${at}/webhook/url is not a URL`];
  }
  const problems: string[] = [];
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    problems.push(`${at}/webhook/url must be https (http only to a loopback address)`);
  }
  if (url.username || url.password) problems.push(`${at}/webhook/url must not hold credentials`);
  if (url.hash) problems.push(`${at}/webhook/url must not have a fragment`);
  return problems;
}
