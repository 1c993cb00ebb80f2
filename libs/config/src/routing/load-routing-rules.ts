import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import {
  ConfigurationError,
  toCountry,
  type HostingOverride,
  type Recipient,
  type RecipientKind,
  type RoutingRules,
} from '@wissel/domain';
import schema from './routing-file.schema.json';

interface RoutingFile {
  version?: string;
  home: string;
  reviewRecipient: string;
  recipients: Record<string, { kind: RecipientKind; country?: string; hopIds?: string[] }>;
  cdnAsns?: Record<string, string>;
  overrides?: HostingOverride[];
  senderHintFallback?: boolean;
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
      { id, kind: r.kind, country: r.country, hopIds: r.hopIds ?? [] },
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
    home: document.home,
    reviewRecipient: document.reviewRecipient,
    recipients,
    cdnAsns: new Map(
      Object.entries(document.cdnAsns ?? {}).map(([asn, name]) => [Number(asn), name]),
    ),
    overrides: (document.overrides ?? []).map((o) => ({ ...o })),
    senderHintFallback: document.senderHintFallback ?? true,
  };
}

/** What the schema cannot say: real country codes, AS numbers in range, one entry per suffix. */
function meaningProblems(document: RoutingFile): string[] {
  const problems: string[] = [];
  if (!toCountry(document.home)) problems.push(`/home "${document.home}" is not a country code`);
  for (const [id, recipient] of Object.entries(document.recipients)) {
    if (recipient.country !== undefined && !toCountry(recipient.country)) {
      problems.push(`/recipients/${id}/country "${recipient.country}" is not a country code`);
    }
  }
  for (const asn of Object.keys(document.cdnAsns ?? {})) {
    if (Number(asn) > MAX_ASN) problems.push(`/cdnAsns/${asn} is not an AS number`);
  }
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
