#!/usr/bin/env node
/**
 * Wissel chain-of-custody verifier for `wissel-custody/1` exports (docs/chain-of-custody.md).
 *
 *   node custody-verify.mjs <export.json> --jwks <file|https-url> [--json]
 *
 * Standalone on purpose: one file, Node.js 20 or later, nothing but node:crypto and node:fs,
 * so a police officer or a court expert can read all of it and run it without Wissel's code
 * or any package (node:crypto for the cryptography; node:fs and fetch to read the inputs). It checks Wissel's signature on the whole document with the key YOU trust
 * (a JWKS file or URL you obtained yourself; the key embedded in the export is only compared
 * with it), the partner's RFC 9421 signature from the stored signature base, and every
 * digest inside. Exit code: 0 verified, 1 a check failed, 2 usage or unreadable input.
 */
/* global fetch */
import { Buffer } from 'node:buffer';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

export const FORMAT = 'wissel-custody/1';

/**
 * RFC 8785 (JSON Canonicalization Scheme), hand-written so this file needs no package: the
 * verifier must be a zero-dependency file a third party can audit. JSON.stringify already
 * writes numbers and strings as RFC 8785 asks (§3.2.2); what remains is sorting object
 * members by UTF-16 code units (§3.2.3), which Array.prototype.sort does by default.
 */
export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`a ${typeof value} has no JSON form`);
}

const sha256 = (data) => createHash('sha256').update(data).digest();
const hex = (data) => sha256(data).toString('hex');

/** RFC 7638 thumbprint of an OKP key. */
export function jwkThumbprint(jwk) {
  return sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).toString('base64url');
}

function ed25519Key(jwk) {
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('not an Ed25519 public JWK');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
}

/** Splits a structured-field dictionary (RFC 8941) at its top-level commas. */
function dictionaryMembers(text) {
  const members = new Map();
  let depth = 0;
  let quoted = false;
  let start = 0;
  const take = (end) => {
    const member = text.slice(start, end).trim();
    const eq = member.indexOf('=');
    if (eq > 0) members.set(member.slice(0, eq), member.slice(eq + 1));
    start = end + 1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) take(i);
  }
  take(text.length);
  return members;
}

function check(checks, name, status, detail) {
  checks.push({ check: name, status, detail });
}

function verifyWisselSignature(doc, trustedKeys, checks) {
  const sig = doc.signature;
  if (!sig || sig.alg !== 'ed25519' || typeof sig.value !== 'string') {
    return check(
      checks,
      'wissel-signature',
      'failed',
      'the document has no Ed25519 signature block',
    );
  }
  const trusted = trustedKeys.find((k) => k.kid === sig.kid);
  if (!trusted) {
    return check(
      checks,
      'wissel-signature',
      'failed',
      `the key "${sig.kid}" that signed the export is not among the trusted keys you gave`,
    );
  }
  const { value, ...header } = sig;
  const signed = Buffer.from(canonicalJson({ ...doc, signature: header }), 'utf8');
  let ok = false;
  try {
    ok = verify(null, signed, ed25519Key(trusted), Buffer.from(value, 'base64url'));
  } catch (error) {
    return check(checks, 'wissel-signature', 'failed', `cannot verify: ${error.message}`);
  }
  const thumbprint = jwkThumbprint(trusted);
  if (!ok) {
    return check(
      checks,
      'wissel-signature',
      'failed',
      `the signature does not verify with the trusted key "${sig.kid}" (${thumbprint}): the document was changed after signing, or signed with another key`,
    );
  }
  check(
    checks,
    'wissel-signature',
    'ok',
    `signed by Wissel key "${sig.kid}" (thumbprint ${thumbprint}) at ${sig.created}`,
  );
  const embedded = sig.publicJwk ? jwkThumbprint(sig.publicJwk) : undefined;
  if (embedded !== thumbprint || sig.jwkThumbprint !== thumbprint) {
    check(
      checks,
      'embedded-key',
      'failed',
      'the key embedded in the export is not the trusted key (the signature itself verified with the trusted key)',
    );
  }
}

function verifyReferral(doc, checks) {
  const { referral, inbound } = doc;
  if (referral.rawPayload === null) {
    check(
      checks,
      'raw-payload-digest',
      'skipped',
      'the raw payload was purged (retention); only its record remains',
    );
  } else {
    const actual = hex(Buffer.from(referral.rawPayload, 'utf8'));
    check(
      checks,
      'raw-payload-digest',
      actual === referral.rawPayloadSha256 ? 'ok' : 'failed',
      actual === referral.rawPayloadSha256
        ? `SHA-256 ${actual}`
        : `the raw payload hashes to ${actual}, the export says ${referral.rawPayloadSha256}`,
    );
  }
  const recorded = inbound?.record?.sha256;
  if (recorded && referral.rawPayloadSha256) {
    check(
      checks,
      'inbound-record-digest',
      recorded === referral.rawPayloadSha256 ? 'ok' : 'failed',
      recorded === referral.rawPayloadSha256
        ? `the bytes received on ${inbound.record.topic} [${inbound.record.partition}] @${inbound.record.offset} are the raw payload`
        : `the record received hashes to ${recorded}, the raw payload to ${referral.rawPayloadSha256}`,
    );
  }
}

function verifyPartnerRequest(doc, checks) {
  const request = doc.inbound?.partnerRequest;
  if (!request) {
    check(
      checks,
      'partner-signature',
      'skipped',
      doc.inbound?.channel === 'kafka'
        ? 'received over Kafka: the evidence is the record position, headers and digest'
        : 'no signed request is recorded for this referral',
    );
    return;
  }
  const lines = request.signatureBase.split('\n');
  const paramsLine = lines[lines.length - 1] ?? '';
  const declared = dictionaryMembers(request.signatureInput).get(request.label);
  const params = paramsLine.startsWith('"@signature-params": ')
    ? paramsLine.slice('"@signature-params": '.length)
    : undefined;
  const keyidOk = params !== undefined && params.includes(`;keyid="${request.keyId}"`);
  check(
    checks,
    'partner-signature-params',
    params !== undefined && params === declared && keyidOk ? 'ok' : 'failed',
    params === declared && keyidOk
      ? `the signature base ends in the Signature-Input of "${request.label}" (keyid "${request.keyId}")`
      : 'the signature base does not match the Signature-Input header or its keyid',
  );

  // The body: the referral's raw payload, or the whole batch it was part of.
  const body =
    request.body?.is === 'batch'
      ? Buffer.from(request.body.base64, 'base64')
      : doc.referral.rawPayload === null
        ? null
        : Buffer.from(doc.referral.rawPayload, 'utf8');
  const digestLine = lines.find((l) => l.startsWith('"content-digest": '));
  if (
    digestLine === undefined ||
    digestLine.slice('"content-digest": '.length) !== request.contentDigest
  ) {
    check(
      checks,
      'partner-content-digest',
      'failed',
      'the signature base does not cover the stored Content-Digest',
    );
  } else if (body === null) {
    check(checks, 'partner-content-digest', 'skipped', 'the body was purged with the raw payload');
  } else {
    const digests = dictionaryMembers(request.contentDigest);
    const results = [
      ['sha-256', 'sha256'],
      ['sha-512', 'sha512'],
    ]
      .filter(([name]) => digests.has(name))
      .map(
        ([name, alg]) => digests.get(name) === `:${createHash(alg).update(body).digest('base64')}:`,
      );
    const ok = results.length > 0 && results.every(Boolean) && hex(body) === request.bodySha256;
    check(
      checks,
      'partner-content-digest',
      ok ? 'ok' : 'failed',
      ok
        ? 'the signed Content-Digest is the digest of the body'
        : 'the body does not match the signed Content-Digest',
    );
    if (request.body?.is === 'batch') {
      let found = false;
      try {
        const elements = JSON.parse(body.toString('utf8'));
        found =
          Array.isArray(elements) &&
          elements.some((e) => JSON.stringify(e) === doc.referral.rawPayload);
      } catch {
        found = false;
      }
      check(
        checks,
        'partner-batch-contains-referral',
        found ? 'ok' : 'failed',
        found
          ? 'the referral is one element of the signed batch'
          : 'the referral is not in the signed batch',
      );
    }
  }

  if (request.alg !== 'ed25519') {
    check(
      checks,
      'partner-signature',
      'skipped',
      `${request.alg}: a shared-secret signature cannot be checked by a third party; Wissel verified it at ${request.verifiedAt}`,
    );
    return;
  }
  const signature = dictionaryMembers(request.signature).get(request.label);
  const match = /^:([A-Za-z0-9+/]*={0,2}):$/.exec(signature ?? '');
  let ok = false;
  let why = '';
  try {
    if (!match) throw new Error(`no signature labelled "${request.label}"`);
    if (jwkThumbprint(request.publicJwk) !== request.keyThumbprint)
      throw new Error('the key does not match its thumbprint');
    ok = verify(
      null,
      Buffer.from(request.signatureBase, 'utf8'),
      ed25519Key(request.publicJwk),
      Buffer.from(match[1], 'base64'),
    );
  } catch (error) {
    why = error.message;
  }
  check(
    checks,
    'partner-signature',
    ok ? 'ok' : 'failed',
    ok
      ? `partner "${request.partnerId}" signed this request with key "${request.keyId}" (thumbprint ${request.keyThumbprint}); created ${request.created}`
      : `the partner's signature does not verify${why ? `: ${why}` : ''}`,
  );
}

function verifyDecisions(doc, checks) {
  const history = doc.decisions?.history ?? [];
  const ids = new Set(history.map((d) => d.id));
  const broken = history.filter((d) => d.supersedesId !== null && !ids.has(d.supersedesId));
  const inForce = doc.decisions?.inForce ?? [];
  const ok = broken.length === 0 && inForce.every((id) => ids.has(id));
  check(
    checks,
    'decision-chain',
    ok ? 'ok' : 'failed',
    ok
      ? `${history.length} decision(s); in force: ${inForce.join(', ') || 'none'}`
      : 'a decision supersedes one that is not in the export',
  );
}

function verifyDispatches(doc, trustedKeys, checks) {
  for (const d of doc.dispatches ?? []) {
    const name = `dispatch ${d.dispatchId} (${d.recipientId})`;
    if (d.payload === null) {
      check(checks, `${name} payload`, 'skipped', 'the payload was purged (retention)');
      continue;
    }
    const text = Buffer.from(canonicalJson(d.payload), 'utf8');
    const digestOk = hex(text) === d.payloadSha256;
    check(
      checks,
      `${name} payload-digest`,
      digestOk ? 'ok' : 'failed',
      digestOk ? `SHA-256 ${d.payloadSha256}` : 'the payload does not match its digest',
    );
    if (d.signature === null) {
      check(
        checks,
        `${name} signature`,
        'skipped',
        d.publishedAt ? 'delivered before signatures were recorded' : 'not delivered (yet)',
      );
      continue;
    }
    const key = trustedKeys.find((k) => k.kid === d.signature.kid);
    let ok = false;
    try {
      ok =
        key !== undefined &&
        verify(null, text, ed25519Key(key), Buffer.from(d.signature.value, 'base64url'));
    } catch {
      ok = false;
    }
    check(
      checks,
      `${name} signature`,
      ok ? 'ok' : 'failed',
      ok
        ? `sent to ${d.topic} at ${d.publishedAt}, signed with "${d.signature.kid}"`
        : key === undefined
          ? `the key "${d.signature.kid}" is not among the trusted keys`
          : "Wissel's signature on what was sent does not verify (the payload differs from what was sent: altered, or its persons anonymised since)",
    );
  }
}

/** Checks a parsed export against trusted Ed25519 JWKs; never throws for a bad document. */
export function verifyCustody(doc, trustedKeys) {
  const checks = [];
  if (!doc || doc.format !== FORMAT) {
    check(checks, 'format', 'failed', `not a ${FORMAT} document`);
    return { ok: false, checks };
  }
  const steps = [
    () => verifyWisselSignature(doc, trustedKeys, checks),
    () => verifyReferral(doc, checks),
    () => verifyPartnerRequest(doc, checks),
    () => verifyDecisions(doc, checks),
    () => verifyDispatches(doc, trustedKeys, checks),
  ];
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      check(checks, 'structure', 'failed', `the document is malformed: ${error.message}`);
    }
  }
  return { ok: checks.every((c) => c.status !== 'failed'), checks };
}

/** Trusted keys from a JWKS or JWK file, or an https URL (e.g. Wissel's /.well-known/jwks.json). */
export async function loadTrustedKeys(source) {
  const text = /^https?:\/\//.test(source)
    ? await fetch(source).then((r) => {
        if (!r.ok) throw new Error(`${source} answered ${r.status}`);
        return r.text();
      })
    : readFileSync(source, 'utf8');
  const parsed = JSON.parse(text);
  const keys = Array.isArray(parsed.keys) ? parsed.keys : [parsed];
  return keys.filter((k) => k && k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string');
}

export function report(doc, result) {
  const out = [
    `Wissel chain of custody: referral ${doc?.referral?.id ?? '?'} (${doc?.format ?? '?'}), exported ${doc?.exportedAt ?? '?'}`,
  ];
  for (const c of result.checks) {
    out.push(`  ${c.status.toUpperCase().padEnd(8)}${c.check}: ${c.detail}`);
  }
  const failed = result.checks.filter((c) => c.status === 'failed').map((c) => c.check);
  out.push(result.ok ? 'RESULT: VERIFIED' : `RESULT: FAILED (${failed.join('; ')})`);
  return out.join('\n') + '\n';
}

async function main(argv) {
  const args = [...argv];
  const json = args.includes('--json');
  const at = args.indexOf('--jwks');
  const jwks = at >= 0 ? args[at + 1] : undefined;
  const files = args.filter((a, i) => a !== '--json' && i !== at && i !== at + 1);
  if (files.length !== 1 || !jwks) {
    process.stderr.write(
      'usage: node custody-verify.mjs <export.json> --jwks <file|url> [--json]\n',
    );
    return 2;
  }
  let doc;
  let keys;
  try {
    doc = JSON.parse(readFileSync(files[0], 'utf8'));
    keys = await loadTrustedKeys(jwks);
  } catch (error) {
    process.stderr.write(`custody-verify: ${error.message}\n`);
    return 2;
  }
  if (keys.length === 0) {
    process.stderr.write(`custody-verify: ${jwks} holds no Ed25519 key\n`);
    return 2;
  }
  const result = verifyCustody(doc, keys);
  process.stdout.write(json ? JSON.stringify(result, null, 2) + '\n' : report(doc, result));
  return result.ok ? 0 : 1;
}

// Run as a program, not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
