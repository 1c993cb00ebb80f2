import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { ConfigurationError, parseOperatorTokens, parseRoleMap } from '@wissel/domain';

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`[0-9A-Fa-f]*:[0-9A-Fa-f:.]*`;
const DNS_SERVER = `(?:${IPV4}(?::\\d{1,5})?|${IPV6}|\\[${IPV6}\\]:\\d{1,5})`;
const DNS_SERVER_LIST = new RegExp(`^(?:${DNS_SERVER}(?:\\s*,\\s*${DNS_SERVER})*)?$`);

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/**
 * Every setting an operator can change, read once from the environment and validated at
 * start-up (one config class, as in Twenty). The README's configuration table documents
 * each one; keep the two in step.
 */
export class WisselConfig {
  /** PostgreSQL connection string. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wissel';

  /** Most time an app waits to open a database connection before it fails. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_CONNECT_TIMEOUT_MS = 5_000;

  /**
   * Most time one SQL statement of an app may run before PostgreSQL cancels it (the work
   * fails and is retried); 0: no limit. Maintenance commands (migrate, purge, keys) have none.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DB_STATEMENT_TIMEOUT_MS = 60_000;

  /**
   * Most time an app's transaction may sit idle (its process hung, or waiting on a broker)
   * before PostgreSQL ends it and frees its locks; 0: no limit.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 300_000;

  /**
   * What carries the message hops: `kafka` (the cluster apps) or `postgres` (tables in
   * DATABASE_URL with LISTEN/NOTIFY; the embedded mode of `npm start`).
   */
  @IsIn(['kafka', 'postgres'])
  MESSAGING = 'kafka';

  /** With MESSAGING=postgres: how often a consumer looks for messages when no notification woke it, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  MESSAGE_POLL_MS = 1000;

  /** Embedded mode (`npm start`): the folder holding its PostgreSQL data, operator token and demo key. */
  @IsString()
  @MinLength(1)
  WISSEL_DATA_DIR = '.cache/wissel-data';

  /** Embedded mode: the port of its PostgreSQL server, on 127.0.0.1 (not the usual 5432, to leave a local server alone). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65_535)
  EMBEDDED_DB_PORT = 54329;

  /**
   * Embedded mode: `1` registers the demo partner and feeds synthetic referrals continuously
   * (as `npm start -- --demo`); `0` revokes the demo partner's key.
   */
  @IsIn(['0', '1'])
  WISSEL_DEMO = '0';

  /** Comma-separated Kafka bootstrap servers. */
  @IsString()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port…]',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Client id sent to Kafka (shows in broker logs and quotas). */
  @IsString()
  @MinLength(1)
  KAFKA_CLIENT_ID = 'wissel';

  /**
   * Most bytes of messages an app's producer lets wait behind the request in flight (the
   * gateway's callers while the broker is slow or away); a publish beyond is refused at
   * once (the API answers 503 with Retry-After) instead of growing memory without bound.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1024 * 1024)
  @Max(4 * 1024 * 1024 * 1024)
  KAFKA_PRODUCER_MAX_QUEUED_BYTES = 64 * 1024 * 1024;

  /**
   * Most time an API submission waits for the broker's acknowledgement before the API
   * answers 503 with Retry-After (nothing accepted; the partner's retry is stored once),
   * rather than holding the request through the producer's whole retry budget.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  API_PUBLISH_TIMEOUT_MS = 10_000;

  /** Prefix for every topic name, e.g. "staging." to share a cluster. Empty in production. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, {
    message: 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"',
  })
  KAFKA_TOPIC_PREFIX = '';

  /** Partitions of each topic Wissel creates (`npm run topics`). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS = 3;

  /** Replication factor of each topic Wissel creates; 3 on a production cluster. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_REPLICATION_FACTOR = 1;

  /**
   * retention.ms of each topic Wissel creates, in days: longer than the longest outage of a
   * consumer you promise to ride out (a recipient on holiday, a router down over a long
   * weekend); the broker's default is 7.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  KAFKA_TOPIC_RETENTION_DAYS = 14;

  // Kafka security (W10): SASL user per app, TLS; see docs/kafka-security.md.

  /** SASL mechanism for the Kafka connection; empty: no SASL (a local broker). */
  @IsIn(['', 'plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM = '';

  /** This app's Kafka user (one per app: wissel-router, wissel-dispatcher, wissel-gateway). */
  @ValidateBy({
    name: 'saslUsernameGiven',
    validator: {
      validate: (value, args) =>
        (args?.object as WisselConfig).KAFKA_SASL_MECHANISM === '' || String(value) !== '',
      defaultMessage: () => 'KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is set',
    },
  })
  @IsString()
  KAFKA_SASL_USERNAME = '';

  /** The Kafka user's password; prefer KAFKA_SASL_PASSWORD_FILE. Never logged. */
  @IsString()
  KAFKA_SASL_PASSWORD = '';

  /** A file holding the Kafka user's password (e.g. a mounted secret); trailing newline ignored. */
  @ValidateBy({
    name: 'oneSaslPassword',
    validator: {
      validate: (value, args) => {
        const c = args?.object as WisselConfig;
        return c.KAFKA_SASL_MECHANISM === '' || (c.KAFKA_SASL_PASSWORD === '') !== (value === '');
      },
      defaultMessage: () =>
        'with KAFKA_SASL_MECHANISM set, give exactly one of KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE',
    },
  })
  @IsString()
  KAFKA_SASL_PASSWORD_FILE = '';

  /** `1`: connect to Kafka over TLS (SASL_SSL in production). */
  @IsIn(['0', '1'])
  KAFKA_SSL = '0';

  /** PEM file of the CA(s) that signed the brokers' certificates; empty: the system's CAs. */
  @IsString()
  KAFKA_SSL_CA_FILE = '';

  /** Consumer group of the router instances. */
  @IsString()
  @MinLength(1)
  ROUTER_GROUP_ID = 'wissel-router';

  /** Path of the routing rules file (YAML). */
  @IsString()
  @MinLength(1)
  ROUTING_CONFIG = 'config/routing.yaml';

  /**
   * The Kafka partners file (YAML, docs/kafka-security.md): partners that produce straight
   * to Kafka, each on topics of its own that the router reads and checks. Empty: none.
   */
  @IsString()
  KAFKA_PARTNERS_FILE = '';

  /** Largest inbound message accepted, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

  /** Largest Hamming distance (of 256 bits) at which two PDQ hashes count as the same picture. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  PDQ_MAX_DISTANCE = 31;

  /**
   * Most PDQ hashes a router holds in its in-memory index (~250 MiB per million): past it,
   * the index keeps the newest 90% and counts the rest as evicted (a warning each time).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  PDQ_INDEX_MAX_ENTRIES = 10_000_000;

  /** How often the router ends police holds whose expiry has passed, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HOLD_EXPIRY_CHECK_MS = 60_000;

  // Tracing (W5): DNS and the local geo data sets. Wissel only sends DNS queries about a
  // reported host; it never connects to it.

  /** DNS servers for tracing (`ip`, `ip:port`, `[v6]:port`, comma list); empty: the system's. */
  @Matches(DNS_SERVER_LIST, {
    message: 'DNS_SERVERS must be ip, ip:port or [ipv6]:port, comma-separated',
  })
  DNS_SERVERS = '';

  /** First try's timeout of a DNS query, in ms (the resolver backs off on later tries). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60_000)
  DNS_TIMEOUT_MS = 2000;

  /** Tries per DNS server. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  DNS_TRIES = 2;

  /** Hard bound on one DNS query, in ms; 0: DNS_TIMEOUT_MS × 2^DNS_TRIES. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300_000)
  DNS_DEADLINE_MS = 0;

  /** DNS answers are cached for their TTL, clamped to [DNS_MIN_TTL_S, DNS_MAX_TTL_S]. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  DNS_MIN_TTL_S = 30;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  @ValidateBy({
    name: 'notBelowMinTtl',
    validator: {
      validate: (value, args) =>
        Number(value) >= Number((args?.object as WisselConfig).DNS_MIN_TTL_S),
      defaultMessage: () => 'DNS_MAX_TTL_S must not be below DNS_MIN_TTL_S',
    },
  })
  DNS_MAX_TTL_S = 3600;

  /** How long NXDOMAIN and no-data answers are cached, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  DNS_NEGATIVE_TTL_S = 300;

  /** Cached DNS answers (one per name and record type), shared by every batch. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  DNS_CACHE_MAX_ENTRIES = 10_000;

  /** Hosts traced at once per intake batch. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  TRACE_CONCURRENCY = 16;

  /** Geolocation data (.mmdb or CSV, comma list in order); empty: the packaged GeoLite2 Country. */
  @IsString()
  GEO_COUNTRY_DB = '';

  /** Registered (whois) country data; empty: the packaged geo-whois-asn-country. */
  @IsString()
  GEO_REGISTERED_COUNTRY_DB = '';

  /** AS number and organisation data; empty: the packaged ip-location-db ASN CSVs. */
  @IsString()
  GEO_ASN_DB = '';

  /** The router is not ready while a geo data set is older than this many days; 0: not checked. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  GEO_MAX_AGE_DAYS = 0;

  /** How often the dispatcher looks for outbox rows when no notification woke it, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  OUTBOX_POLL_MS = 1000;

  /** Outbox rows published per relay round. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  OUTBOX_BATCH_SIZE = 500;

  // Delivery (W6): retries of webhook dispatches and Wissel's signing key.

  /** First retry delay cap of a failed webhook delivery, in ms; doubles per attempt (full jitter). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  DELIVERY_RETRY_BASE_MS = 1000;

  /** Largest delay between two delivery attempts, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  @ValidateBy({
    name: 'notBelowRetryBase',
    validator: {
      validate: (value, args) =>
        Number(value) >= Number((args?.object as WisselConfig).DELIVERY_RETRY_BASE_MS),
      defaultMessage: () => 'DELIVERY_RETRY_MAX_MS must not be below DELIVERY_RETRY_BASE_MS',
    },
  })
  DELIVERY_RETRY_MAX_MS = 600_000;

  /** Delivery attempts of a webhook dispatch before it is dead-lettered. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DELIVERY_MAX_ATTEMPTS = 12;

  /** How long a webhook may take to answer, in ms (a recipient's `webhook.timeoutMs` wins). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(300_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** Webhook requests in flight at once per relay round. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOK_CONCURRENCY = 8;

  /** Wissel's Ed25519 signing key: a private JWK or PKCS#8 PEM file; empty: a generated dev key. */
  @IsString()
  SIGNING_KEY_FILE = '';

  /** The key id (JWKS `kid`) of SIGNING_KEY_FILE; empty: the JWK's own `kid`. */
  @Matches(/^([A-Za-z0-9._:-]{1,128})?$/, {
    message: 'SIGNING_KEY_ID may hold 1-128 letters, digits, ".", "_", ":" and "-"',
  })
  SIGNING_KEY_ID = '';

  /** Public keys still published for verification after a rotation: JWK or JWKS files, comma list. */
  @IsString()
  SIGNING_PREVIOUS_KEYS = '';

  /** Where the generated development key is kept when SIGNING_KEY_FILE is empty. */
  @IsString()
  @MinLength(1)
  SIGNING_DEV_KEY_DIR = '.cache/keys';

  /**
   * Where the key-encryption keys (KEKs) that seal personal data and raw payloads at rest
   * come from (docs/data-protection.md): `env` (WISSEL_KEKS), `file` (DATA_KEYS_FILE), or
   * `dev`: a development key generated once into SIGNING_DEV_KEY_DIR, with a warning.
   */
  @IsIn(['dev', 'env', 'file'])
  DATA_KEYS_SOURCE = 'dev';

  /** With DATA_KEYS_SOURCE=env: `id:base64key,id:base64key` (32-byte keys; a secret). */
  @IsString()
  WISSEL_KEKS = '';

  /** With DATA_KEYS_SOURCE=file: a JSON key file `[{ "id": "...", "key": "<base64>" }]` (mode 0600). */
  @IsString()
  DATA_KEYS_FILE = '';

  /** The KEK that seals new values (the others only open); empty: the first key listed. */
  @Matches(/^([A-Za-z0-9_-]{1,64})?$/, {
    message: 'DATA_KEY_ID may hold 1-64 letters, digits, "_" and "-"',
  })
  DATA_KEY_ID = '';

  /** Days the sealed personal data of a referral is kept (then anonymised); 0: for ever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_PERSONAL_DATA_DAYS = 365;

  /** Days the raw inbound payload of a referral (evidence) is kept; 0: for ever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_RAW_PAYLOAD_DAYS = 90;

  /** Days the referral inside a delivered outbox row is kept (ids and decision stay); 0: for ever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_DISPATCH_PAYLOAD_DAYS = 365;

  /**
   * Embedded mode: days a recipient's feed keeps a message the recipient has read past (to
   * read again); 0: for ever. Unread feed messages are never deleted; consumed internal
   * messages go at the next purge run whatever this says.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_MESSAGE_LOG_DAYS = 14;

  /** Days an inbound dead letter stays: the embedded dead-letter topic and the index; 0: for ever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_DEAD_LETTER_DAYS = 30;

  /** Days a partner submission (signature evidence, status) is kept; 0: for ever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_SUBMISSION_DAYS = 0;

  /**
   * Days a delivered dispatch is kept: its outbox row (published; an undelivered or
   * dead-lettered one never goes) and, once its lifecycle is over (ended, or idle with no
   * notice clock and no re-decision waiting), its dispatch_state row and acks, counted from
   * delivery and from the lifecycle's last change. Longer than
   * RETENTION_DISPATCH_PAYLOAD_DAYS: the ids and the lifecycle outlive the payload. 0: for ever.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_OUTBOX_DAYS = 730;

  /**
   * Days a referral's PDQ hashes are matched against (then deleted from media_pdq and from
   * every router's in-memory index); 0: for ever.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_CASE_MATCH_DAYS = 730;

  /**
   * Days an audit event is kept before the oldest part of the hash chain is pruned behind
   * an anchor the verifier starts from; 0: for ever. Seven years: the audit log holds no
   * personal data, and it must outlive every record it speaks for (dispatches, custody).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36_500)
  RETENTION_AUDIT_DAYS = 2555;

  /** How often the router runs the retention purge, in ms; 0: never (run `npm run purge`). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(604_800_000)
  PURGE_INTERVAL_MS = 3_600_000;

  /** Rows purged per statement: a purge holds no lock for long. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  PURGE_BATCH_SIZE = 1000;

  /** How much of the Kafka client's own logging to pass on. */
  @IsIn(['error', 'warn', 'info', 'nothing'])
  KAFKA_LOG_LEVEL = 'warn';

  /** Pino log level. Info logs never hold reported URLs or personal data. */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  // Lifecycle (W6): recipients' acks, the notice-and-takedown clock and its escalation.

  /** Consumer group of the dispatchers reading acks from referrals.status.v1. */
  @IsString()
  @MinLength(1)
  STATUS_GROUP_ID = 'wissel-status';

  /** How often the dispatcher looks for due reminders and breached notices, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  NOTICE_CLOCK_TICK_MS = 60_000;

  /** When the reminder is due, as a percentage of a notice's deadline window (75: 18 h into 24 h). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(99)
  NOTICE_REMINDER_PERCENT = 75;

  /**
   * Hours after publication by which a removal dispatch must be acknowledged at all (even
   * as received); one never acknowledged is escalated like a breached notice. 0: never.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(720)
  NOTICE_ACK_DEADLINE_HOURS = 24;

  /** Due notices (reminders and breaches each) read per page; a tick reads up to 100 pages. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  NOTICE_CLOCK_BATCH_SIZE = 100;

  // Observability (W7): metrics labels, consumer lag, readiness of the routing file.

  /**
   * Source systems (sourceRef.system) that get their own `source` label on the intake
   * metrics, besides every recipient's hopIds in the routing file; any other is `other`.
   * Bounded on purpose: a label per partner-supplied string would grow without limit.
   */
  @IsString()
  @Matches(/^(?:[A-Za-z0-9._-]{1,64}(?:\s*,\s*[A-Za-z0-9._-]{1,64})*)?$/, {
    message:
      'METRICS_KNOWN_SOURCES must be a comma list of names of [A-Za-z0-9._-], at most 64 characters each',
  })
  METRICS_KNOWN_SOURCES = '';

  /** How often consumer lag (latest minus committed offsets) is read from Kafka, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  CONSUMER_LAG_INTERVAL_MS = 15_000;

  /** How long a readiness probe reuses the last check of the ROUTING_CONFIG file, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300_000)
  ROUTING_CONFIG_CHECK_CACHE_MS = 5_000;

  // Partner API (W3)

  /** Largest request body the gateway reads, in bytes; a larger one is refused with 413. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  MAX_BODY_BYTES = 5 * 1024 * 1024;

  /** Most referrals in one canonical batch submitted to the partner API. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_BATCH_REFERRALS = 500;

  /** How far a signature's `created` may be from the gateway's clock, either way, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(3600)
  SIGNATURE_MAX_SKEW_S = 300;

  /** Requests per second each partner may make, on average (token bucket per gateway instance). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  PARTNER_RATE_PER_S = 10;

  /** Requests a partner may make at once before the rate applies (the bucket's size). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  PARTNER_RATE_BURST = 20;

  /**
   * Static operator bearer tokens, by SHA-256 only: comma-separated `digest[:role[:label]]`
   * (role viewer, operator or admin; a bare digest is an admin). Empty, and no OIDC_ISSUER:
   * the admin API is closed.
   */
  @ValidateBy({
    name: 'operatorTokens',
    validator: {
      validate: (value) => !('error' in parseOperatorTokens(String(value))),
      defaultMessage: (args) =>
        `OPERATOR_TOKEN_SHA256 must be comma-separated digest[:role[:label]] (lower-case SHA-256 hex; role viewer|operator|admin): ${(parseOperatorTokens(String(args?.value)) as { error?: string }).error ?? ''}`,
    },
  })
  OPERATOR_TOKEN_SHA256 = '';

  /** OIDC issuer whose bearer JWTs operators may use (exact `iss`); empty: OIDC off. */
  @Matches(/^(https?:\/\/[^\s]+)?$/, { message: 'OIDC_ISSUER must be an http(s) URL or empty' })
  OIDC_ISSUER = '';

  /** The audience (`aud`) an operator's token must name: Wissel's client id at the issuer. */
  @ValidateBy({
    name: 'oidcAudienceGiven',
    validator: {
      validate: (value, args) =>
        (args?.object as WisselConfig).OIDC_ISSUER === '' || String(value) !== '',
      defaultMessage: () => 'OIDC_AUDIENCE is required when OIDC_ISSUER is set',
    },
  })
  @IsString()
  OIDC_AUDIENCE = '';

  /** The issuer's JWKS URL; empty: jwks_uri from <issuer>/.well-known/openid-configuration. */
  @Matches(/^(https?:\/\/[^\s]+)?$/, { message: 'OIDC_JWKS_URI must be an http(s) URL or empty' })
  OIDC_JWKS_URI = '';

  /** The claim holding the operator's roles or groups (a dotted path, e.g. realm_access.roles). */
  @Matches(/^[A-Za-z0-9_:/.-]+$/, { message: 'OIDC_ROLES_CLAIM must be a claim name' })
  OIDC_ROLES_CLAIM = 'roles';

  /** Claim value to role, comma-separated `value=role`; empty: the values viewer/operator/admin. */
  @ValidateBy({
    name: 'oidcRoleMap',
    validator: {
      validate: (value) => !('error' in parseRoleMap(String(value))),
      defaultMessage: () =>
        'OIDC_ROLE_MAP must be comma-separated claimValue=role (role viewer|operator|admin)',
    },
  })
  OIDC_ROLE_MAP = '';

  /** Clock skew allowed on exp and nbf of an operator's token, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  OIDC_CLOCK_TOLERANCE_S = 30;

  /** How often the gateway seals committed audit events into the hash chain, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  AUDIT_SEAL_INTERVAL_MS = 1000;

  /**
   * The gateway's public origin as partners address it (e.g. https://wissel.example), used to
   * rebuild the signed @target-uri behind a TLS-terminating proxy; empty: from the request.
   */
  @Matches(/^(https?:\/\/[^/?#\s]+)?$/, {
    message: 'PUBLIC_BASE_URL must be http(s)://host[:port] without a path',
  })
  PUBLIC_BASE_URL = '';

  /**
   * HTTP (every app): how long a client may take to send the request headers, in ms; then
   * 408 and the connection is closed (slowloris). Not above HTTP_REQUEST_TIMEOUT_MS.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  @ValidateBy({
    name: 'notAboveRequestTimeout',
    validator: {
      validate: (value, args) =>
        Number(value) <= Number((args?.object as WisselConfig).HTTP_REQUEST_TIMEOUT_MS),
      defaultMessage: () => 'HTTP_HEADERS_TIMEOUT_MS must not be above HTTP_REQUEST_TIMEOUT_MS',
    },
  })
  HTTP_HEADERS_TIMEOUT_MS = 20_000;

  /** HTTP: how long a client may take to send a whole request (headers and body), in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 60_000;

  /** HTTP: how long an idle keep-alive connection stays open after a response, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  /** HTTP: the largest request line plus headers a client may send, in bytes (431 above). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024)
  HTTP_MAX_HEADER_BYTES = 16 * 1024;
}

/** Reads and validates the configuration; throws one error that names every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WisselConfig {
  const defaults = new WisselConfig();
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    if (env[key] !== undefined) given[key] = env[key];
  }
  const config = plainToInstance(WisselConfig, { ...defaults, ...given });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) =>
      Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
    );
    throw new ConfigurationError(`invalid configuration: ${problems.join('; ')}`, { problems });
  }
  return config;
}
