// The deployment kit under deploy/ (W7 items 5 and 6), checked statically: there is no
// Docker engine or cluster in the test run. Every YAML and JSON file parses; the compose
// file, Kubernetes manifests, alert rules and dashboard have their essentials; every metric
// they query is in the metric catalogue; every environment variable they set is a
// WisselConfig setting or a named non-Wissel variable; every runbook link lands on a
// heading of docs/operations.md.
import 'reflect-metadata';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseAllDocuments } from 'yaml';
import { loadRoutingRules, WisselConfig } from '@wissel/config';
import { METRICS } from '../libs/observability/src/metrics/metric-catalogue';

const ROOT = resolve(__dirname, '..');
const DEPLOY = join(ROOT, 'deploy');
const at = (...parts: string[]) => join(DEPLOY, ...parts);

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Every document of a YAML file; `<<` merge keys resolved as compose does. */
function yamlDocs(path: string): Json[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true });
  const parsed = Array.isArray(docs) ? docs : [docs];
  for (const doc of parsed) {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message)}`);
  }
  return parsed.map((doc) => obj(doc.toJS())).filter((doc) => Object.keys(doc).length > 0);
}
const yamlDoc = (path: string): Json => yamlDocs(path)[0] ?? {};

/** deploy/ without deploy/local (not the kit) and the git-ignored local secrets of compose. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if ([at('local'), at('compose', 'secrets'), at('compose', '.env')].includes(path)) return [];
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// ---------------------------------------------------------------- metric names in PromQL

const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/** Labels every series gets from its scrape target (deploy/prometheus), and `le` of buckets. */
const TARGET_LABELS = new Set(['job', 'instance', 'app', 'namespace', 'pod', 'le']);

interface PromqlRefs {
  metrics: string[];
  /** Label names in `metric{…}` selectors, per metric. */
  selectorLabels: Array<{ metric: string; label: string }>;
  /** Label names of by/without/on/ignoring/group_* lists. */
  groupingLabels: string[];
}

/** The metric and label names a PromQL expression (or a Grafana query) refers to. */
function promqlRefs(expr: string): PromqlRefs {
  const selectorLabels: PromqlRefs['selectorLabels'] = [];
  const groupingLabels: string[] = [];
  let s = expr
    // Grafana variables ($__rate_interval, ${datasource}) and string literals first.
    .replace(/\$\{\w+\}|\$\w+/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  for (const m of s.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)?\s*\{([^}]*)\}/g)) {
    for (const label of m[2]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
      selectorLabels.push({ metric: m[1] ?? '', label: label[1]! });
    }
  }
  s = s.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_, ls) => {
    groupingLabels.push(
      ...String(ls)
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    return ' ';
  });
  // Numbers and durations (0.99, 1e3, 15m) are not names.
  s = s.replace(/(?<![A-Za-z0-9_:])\d[A-Za-z0-9_.]*/g, ' ');
  const metrics = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const rest = s.slice(m.index + word.length);
    if (/^\s*\(/.test(rest) || PROMQL_KEYWORDS.has(word.toLowerCase())) continue;
    metrics.add(word);
  }
  return { metrics: [...metrics], selectorLabels, groupingLabels };
}

/** Series names → their label names: the catalogue, prom-client's defaults, outside exporters. */
async function knownSeries(): Promise<Map<string, Set<string>>> {
  const series = new Map<string, Set<string>>();
  const add = (name: string, labels: readonly string[], histogram: boolean) => {
    const names = histogram ? ['_bucket', '_sum', '_count'].map((s) => name + s) : [name];
    for (const n of names) series.set(n, new Set(labels));
  };
  for (const d of Object.values(METRICS)) add(d.name, d.labelNames, 'buckets' in d);
  // The process metrics every app's registry collects (metrics.module.ts), by their real names.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const m of await registry.getMetricsAsJSON())
    add(m.name, [], String(m.type) === 'histogram');
  registry.clear();
  // Not Wissel's: Prometheus' own, the blackbox exporter (compose) and kube-state-metrics.
  add('up', [], false);
  add('probe_success', [], false);
  add('kube_deployment_status_replicas_available', ['deployment'], false);
  add('kube_deployment_spec_replicas', ['deployment'], false);
  return series;
}

/** Problems with one expression's names: unknown metrics and labels. */
function checkExpr(where: string, expr: string, series: Map<string, Set<string>>): string[] {
  const refs = promqlRefs(expr);
  const problems: string[] = [];
  for (const m of refs.metrics) {
    if (!series.has(m)) problems.push(`${where}: metric ${m} is not in the metric catalogue`);
  }
  for (const { metric, label } of refs.selectorLabels) {
    const labels = series.get(metric);
    if (labels && !labels.has(label) && !TARGET_LABELS.has(label)) {
      problems.push(`${where}: ${metric} has no label ${label}`);
    }
  }
  const anyLabels = new Set(refs.metrics.flatMap((m) => [...(series.get(m) ?? [])]));
  for (const label of refs.groupingLabels) {
    if (!anyLabels.has(label) && !TARGET_LABELS.has(label)) {
      problems.push(`${where}: no metric of the expression has the label ${label}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- environment variables

const WISSEL_SETTINGS = new Set(Object.keys(new WisselConfig()));
/** Read by the apps outside WisselConfig (start-app.ts, Node itself). */
const NON_WISSEL_APP_VARS = new Set(['PORT', 'HOST', 'NODE_ENV']);
/** Image variables of the other compose services, by service. */
const IMAGE_VARS: Record<string, RegExp> = {
  kafka: /^(KAFKA_[A-Z_]+|CLUSTER_ID)$/,
  postgres: /^(POSTGRES_[A-Z_]+|PGDATA)$/,
  grafana: /^GF_[A-Z0-9_]+$/,
};
/** Compose substitution variables that are not Wissel settings (deploy/compose/env.example). */
const COMPOSE_ONLY_VARS = new Set(['POSTGRES_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'WISSEL_IMAGE']);

const isAppVar = (name: string) => WISSEL_SETTINGS.has(name) || NON_WISSEL_APP_VARS.has(name);

/** `node <script>` of a Wissel container must be a compiled file of a source in the repo. */
function sourceOf(script: string): string {
  return join(ROOT, script.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

// ---------------------------------------------------------------- operator guide anchors

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    anchors.add(
      heading[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

// ================================================================ tests

describe('promqlRefs (the extractor the checks below rely on)', () => {
  it('finds metric and label names, not functions, keywords, numbers, strings or variables', () => {
    const refs = promqlRefs(
      'histogram_quantile(0.99, sum by (le, stage) (rate(wissel_stage_duration_seconds_bucket{stage!="a b"}[$__rate_interval])))' +
        ' > 1e3 and on (stage) max(up offset 1d) or vector(0) * wissel_bogus_total',
    );
    expect(refs.metrics.sort()).toEqual([
      'up',
      'wissel_bogus_total',
      'wissel_stage_duration_seconds_bucket',
    ]);
    expect(refs.selectorLabels).toEqual([
      { metric: 'wissel_stage_duration_seconds_bucket', label: 'stage' },
    ]);
    expect(refs.groupingLabels).toEqual(['le', 'stage', 'stage']);
  });

  it('reports an unknown metric, a histogram without its suffix and a wrong label', async () => {
    const series = await knownSeries();
    expect(checkExpr('x', 'rate(wissel_no_such_total[5m])', series)).toHaveLength(1);
    expect(checkExpr('x', 'wissel_stage_duration_seconds', series)).toHaveLength(1);
    expect(checkExpr('x', 'wissel_notices_breached{recipeint="a"}', series)).toHaveLength(1);
    expect(checkExpr('x', 'sum by (recipeint) (wissel_notices_breached)', series)).toHaveLength(1);
    expect(
      checkExpr('x', 'sum by (recipient) (wissel_notices_breached{job="wissel"})', series),
    ).toEqual([]);
  });
});

describe('deploy/', () => {
  const files = filesUnder(DEPLOY);

  it('every YAML and JSON file parses (multi-document files too)', () => {
    const parsed = files.filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(parsed.length).toBeGreaterThan(10);
    for (const file of parsed) {
      if (file.endsWith('.json'))
        expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
      else expect(() => yamlDocs(file)).not.toThrow();
    }
  });

  it('holds no private key or credential', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect({
        file,
        key: /-----BEGIN [A-Z ]*PRIVATE KEY-----|"d"\s*:\s*"[A-Za-z0-9_-]{20,}"/.test(text),
      }).toEqual({ file, key: false });
      expect({
        file,
        url: /postgres(ql)?:\/\/[^:@\s/]+:(?!REPLACE_ME|\$\{|<)[^@\s]+@/.test(text),
      }).toEqual({ file, url: false });
    }
  });
});

describe('deploy/docker', () => {
  const dockerfile = readFileSync(at('docker', 'Dockerfile'), 'utf8');

  it('builds in stages and runs the compiled app as a non-root user without baked-in secrets', () => {
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER (?!root|0\b)\S+/m);
    expect(runtime).toMatch(/ENTRYPOINT \["node"\]/);
    const cmd = /CMD \["([^"]+)"\]/.exec(runtime)?.[1];
    expect(cmd && existsSync(sourceOf(cmd))).toBe(true);
    expect(dockerfile).not.toMatch(
      /^(ENV|ARG)\s+\S*(PASSWORD|SECRET|TOKEN|DATABASE_URL|SIGNING_KEY)/im,
    );
  });

  it('copies what the build reads, and its ignore file lets exactly that through', () => {
    const ignore = readFileSync(at('docker', 'Dockerfile.dockerignore'), 'utf8');
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of m[1]!.split(/\s+/)) {
        expect(existsSync(join(ROOT, source))).toBe(true);
        expect(ignore).toContain(`!${source}`);
      }
    }
  });
});

describe('deploy/compose', () => {
  const composePath = at('compose', 'docker-compose.yml');
  const compose = yamlDoc(composePath);
  const services = obj(compose.services);
  const APPS = { gateway: 3000, router: 3001, dispatcher: 3002 } as const;
  const isWissel = (s: Json) => String(s.image ?? '').includes('WISSEL_IMAGE') || 'build' in s;
  const envOf = (s: Json) => obj(s.environment);

  it('has Kafka (KRaft), PostgreSQL, the one-shot jobs, the apps, Prometheus and Grafana', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'kafka',
        'postgres',
        'migrate',
        'topics',
        ...Object.keys(APPS),
        'prometheus',
        'grafana',
      ]),
    );
    const kafka = obj(services.kafka);
    expect(kafka.image).toMatch(/^apache\/kafka:/);
    expect(envOf(kafka).KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(envOf(kafka).KAFKA_ADVERTISED_LISTENERS)).toContain('kafka:9092');
    expect(obj(services.postgres).image).toMatch(/^postgres:1[56]/);
    expect(list(obj(services.postgres).volumes).join()).toMatch(/:\/var\/lib\/postgresql\/data/);
    expect(list(obj(services.migrate).command)).toEqual(['dist/scripts/migrate.js']);
    expect(list(obj(services.topics).command)).toEqual(['dist/scripts/provision-topics.js']);
  });

  it('starts the apps after the jobs, checks /health/ready, and passes the right settings', () => {
    for (const [app, port] of Object.entries(APPS)) {
      const s = obj(services[app]);
      expect(list(s.command)).toEqual([`dist/apps/${app}/src/main.js`]);
      expect(obj(obj(s.depends_on).migrate).condition).toBe('service_completed_successfully');
      expect(obj(obj(s.depends_on).topics).condition).toBe('service_completed_successfully');
      expect(obj(obj(s.depends_on).kafka).condition).toBe('service_healthy');
      expect(obj(obj(s.depends_on).postgres).condition).toBe('service_healthy');
      expect(list(obj(s.healthcheck).test).join(' ')).toContain(`127.0.0.1:${port}/health/ready`);
      const env = envOf(s);
      expect(env).toMatchObject({
        PORT: String(port),
        KAFKA_BROKERS: 'kafka:9092',
        HOST: '0.0.0.0',
      });
      expect(env.DATABASE_URL).toMatch(
        /^postgres:\/\/wissel:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/wissel$/,
      );
      expect(s.read_only).toBe(true);
      const routing = list(s.volumes)
        .map(obj)
        .find((v) => v.target === env.ROUTING_CONFIG);
      expect(routing?.source).toBe('../../config/routing.yaml');
    }
    for (const app of ['gateway', 'dispatcher']) {
      expect(envOf(obj(services[app])).SIGNING_KEY_FILE).toBe('/run/secrets/wissel_signing_key');
    }
    expect(envOf(obj(services.gateway)).OPERATOR_TOKEN_SHA256).toMatch(
      /^\$\{OPERATOR_TOKEN_SHA256/,
    );
  });

  it('mounts files that exist, and secrets from git-ignored files only', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of list(obj(s).volumes)) {
        const source = typeof v === 'string' ? v.split(':')[0]! : String(obj(v).source);
        if (!source.startsWith('.')) continue; // a named volume
        expect({ name, source, exists: existsSync(resolve(dirname(composePath), source)) }).toEqual(
          { name, source, exists: true },
        );
      }
    }
    const ignored = readFileSync(at('compose', '.gitignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'secrets/']));
    for (const secret of Object.values(obj(compose.secrets))) {
      expect(String(obj(secret).file)).toMatch(/^\.\/secrets\//);
    }
  });

  it('sets only WisselConfig settings on Wissel containers and image variables on the others', () => {
    for (const [name, s] of Object.entries(services).map(([n, s]) => [n, obj(s)] as const)) {
      for (const key of Object.keys(envOf(s))) {
        const ok = isWissel(s) ? isAppVar(key) : (IMAGE_VARS[name]?.test(key) ?? false);
        expect({ service: name, variable: key, ok }).toEqual({
          service: name,
          variable: key,
          ok: true,
        });
      }
    }
  });

  it('substitutes only variables that env.example documents, and env.example holds placeholders', () => {
    const example = readFileSync(at('compose', 'env.example'), 'utf8');
    const entries = [...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map(
      (m) => [m[1]!, m[2]!] as const,
    );
    const documented = new Set(entries.map(([k]) => k));
    for (const [key, value] of entries) {
      expect({ key, ok: WISSEL_SETTINGS.has(key) || COMPOSE_ONLY_VARS.has(key) }).toEqual({
        key,
        ok: true,
      });
      expect({ key, value: /^(|REPLACE_ME|wissel:dev)$/.test(value) }).toEqual({
        key,
        value: true,
      });
    }
    const text = readFileSync(composePath, 'utf8');
    for (const m of text.matchAll(/\$\{([A-Z0-9_]+)/g)) expect(documented).toContain(m[1]);
  });
});

describe('deploy/k8s', () => {
  const dir = at('k8s');
  const kustomization = yamlDoc(join(dir, 'kustomization.yaml'));
  const resources = list(kustomization.resources).map(String);
  const docs = resources.flatMap((file) => yamlDocs(join(dir, file)));
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const secretTemplates = yamlDocs(join(dir, 'secrets.template.yaml'));
  const podSpec = (d: Json) => obj(obj(obj(d.spec).template).spec);
  const containers = (d: Json) => list(podSpec(d).containers).map(obj);

  it('kustomization lists files that exist, and every manifest here except the secret templates', () => {
    for (const file of resources) expect(existsSync(join(dir, file))).toBe(true);
    const generated = list(kustomization.configMapGenerator).flatMap((g) =>
      list(obj(g).files).map(String),
    );
    for (const file of generated) expect(existsSync(join(dir, file.split('=').pop()!))).toBe(true);
    const manifests = readdirSync(dir).filter(
      (f) =>
        /\.ya?ml$/.test(f) &&
        !['kustomization.yaml', 'secrets.template.yaml', ...generated].includes(f),
    );
    expect(resources.sort()).toEqual(manifests.sort());
    expect(resources).not.toContain('secrets.template.yaml');
  });

  it('the routing ConfigMap is a valid routing file', () => {
    expect(() => loadRoutingRules(join(dir, 'routing.yaml'))).not.toThrow();
  });

  it('every Deployment probes /health/live and /health/ready, runs non-root, read-only, with resources', () => {
    const deployments = byKind('Deployment');
    expect(deployments.map((d) => obj(d.metadata).name).sort()).toEqual([
      'wissel-dispatcher',
      'wissel-gateway',
      'wissel-router',
    ]);
    for (const d of deployments) {
      const spec = podSpec(d);
      expect(obj(spec.securityContext)).toMatchObject({ runAsNonRoot: true });
      expect(obj(spec.securityContext).runAsUser).toBeGreaterThan(0);
      for (const c of containers(d)) {
        expect(obj(obj(c.livenessProbe).httpGet).path).toBe('/health/live');
        expect(obj(obj(c.readinessProbe).httpGet).path).toBe('/health/ready');
        expect(obj(c.securityContext)).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
        expect(Object.keys(obj(c.resources)).sort()).toEqual(['limits', 'requests']);
        // The probes' named port, PORT and the scrape annotation agree.
        const port = obj(list(c.ports)[0]);
        expect(obj(obj(c.readinessProbe).httpGet).port).toBe(port.name);
        const env = list(c.env).map(obj);
        expect(env.find((e) => e.name === 'PORT')?.value).toBe(String(port.containerPort));
        const annotations = obj(obj(obj(obj(d.spec).template).metadata).annotations);
        expect(annotations['prometheus.io/port']).toBe(String(port.containerPort));
        expect(annotations['prometheus.io/path']).toBe('/metrics');
        const script = String(list(c.args)[0]);
        expect(existsSync(sourceOf(script))).toBe(true);
      }
    }
    const router = deployments.find((d) => obj(d.metadata).name === 'wissel-router')!;
    expect(obj(obj(containers(router)[0]!.startupProbe).httpGet).path).toBe('/health/live');
  });

  it('has the migrate and topics Jobs, non-root, and a PodDisruptionBudget and Service per app', () => {
    const jobs = byKind('Job');
    expect(jobs.map((j) => list(containers(j)[0]!.args)[0]).sort()).toEqual([
      'dist/scripts/migrate.js',
      'dist/scripts/provision-topics.js',
    ]);
    for (const j of jobs) expect(obj(podSpec(j).securityContext).runAsNonRoot).toBe(true);
    for (const d of byKind('Deployment')) {
      const labels = obj(obj(obj(d.spec).selector).matchLabels);
      const matches = (selector: unknown) =>
        Object.keys(obj(selector)).length > 0 &&
        Object.entries(obj(selector)).every(([k, v]) => labels[k] === v);
      expect(
        byKind('PodDisruptionBudget').some((p) => matches(obj(obj(p.spec).selector).matchLabels)),
      ).toBe(true);
      expect(byKind('Service').some((s) => matches(obj(s.spec).selector))).toBe(true);
    }
  });

  it('sets only WisselConfig settings, from ConfigMaps and Secrets that exist', () => {
    const configMaps = new Map(byKind('ConfigMap').map((c) => [obj(c.metadata).name, obj(c.data)]));
    const generatedMaps = new Set(list(kustomization.configMapGenerator).map((g) => obj(g).name));
    const secrets = new Map(secretTemplates.map((s) => [obj(s.metadata).name, obj(s.stringData)]));
    for (const [name, data] of configMaps) {
      for (const key of Object.keys(data))
        expect({ name, key, ok: isAppVar(key) }).toEqual({ name, key, ok: true });
    }
    for (const workload of [...byKind('Deployment'), ...byKind('Job')]) {
      for (const c of containers(workload)) {
        for (const e of list(c.env).map(obj)) {
          expect({ variable: e.name, ok: isAppVar(String(e.name)) }).toEqual({
            variable: e.name,
            ok: true,
          });
          const ref = obj(obj(e.valueFrom).secretKeyRef);
          if (ref.name) expect(Object.keys(secrets.get(ref.name) ?? {})).toContain(ref.key);
        }
        for (const from of list(c.envFrom).map(obj)) {
          expect(configMaps.has(obj(from.configMapRef).name)).toBe(true);
        }
      }
      for (const v of list(podSpec(workload).volumes).map(obj)) {
        if (v.configMap)
          expect(
            generatedMaps.has(obj(v.configMap).name) || configMaps.has(obj(v.configMap).name),
          ).toBe(true);
        if (v.secret) expect(secrets.has(obj(v.secret).secretName)).toBe(true);
      }
    }
  });

  it('secret templates hold placeholders only', () => {
    expect(secretTemplates.length).toBeGreaterThan(0);
    for (const s of secretTemplates) {
      expect(s.kind).toBe('Secret');
      expect(s.data).toBeUndefined();
      for (const value of Object.values(obj(s.stringData)))
        expect(String(value)).toContain('REPLACE_ME');
    }
  });
});

describe('alerts and dashboard', () => {
  const guide = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
  const anchors = headingAnchors(guide);
  const rules = list(yamlDoc(at('prometheus', 'alerts.yml')).groups).flatMap((g) =>
    list(obj(g).rules).map(obj),
  );
  const dashboard = JSON.parse(
    readFileSync(at('grafana', 'wissel-dashboard.json'), 'utf8'),
  ) as Json;
  const panels = list(dashboard.panels)
    .map(obj)
    .flatMap((p) => [p, ...list(p.panels).map(obj)]);
  const queries = panels.flatMap((p) =>
    list(p.targets).map((t) => ({ panel: String(p.title), expr: String(obj(t).expr ?? '') })),
  );

  it('every alert rule has a unique name, an expression, a severity, a summary, a description and a runbook in the operator guide', () => {
    expect(rules.length).toBeGreaterThan(10);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(typeof rule.alert).toBe('string');
      expect(String(rule.expr).trim()).not.toBe('');
      expect(['critical', 'warning', 'info']).toContain(obj(rule.labels).severity);
      const annotations = obj(rule.annotations);
      expect(String(annotations.summary ?? '')).not.toBe('');
      expect(String(annotations.description ?? '')).not.toBe('');
      const anchor = /^docs\/operations\.md#(.+)$/.exec(String(annotations.runbook_url))?.[1];
      expect({
        alert: rule.alert,
        anchor,
        inGuide: anchor !== undefined && anchors.has(anchor),
      }).toEqual({
        alert: rule.alert,
        anchor,
        inGuide: true,
      });
    }
  });

  it('every metric and label the alerts and the dashboard query exists', async () => {
    const series = await knownSeries();
    const problems = [
      ...rules.flatMap((r) => checkExpr(`alert ${String(r.alert)}`, String(r.expr), series)),
      ...queries.flatMap((q) => checkExpr(`panel "${q.panel}"`, q.expr, series)),
    ];
    expect(problems).toEqual([]);
  });

  it('the alerts and the dashboard cover what operators must watch', () => {
    const alerted = new Set(rules.flatMap((r) => promqlRefs(String(r.expr)).metrics));
    for (const metric of [
      'wissel_dead_letters_total',
      'wissel_dispatch_dead_letters_total',
      'wissel_consumer_lag_messages',
      'wissel_outbox_pending_messages',
      'wissel_outbox_oldest_pending_age_seconds',
      'wissel_notices_at_risk',
      'wissel_notices_breached',
      'wissel_signature_failures_total',
      'wissel_stage_duration_seconds_bucket',
      'up',
    ]) {
      expect(alerted).toContain(metric);
    }
    const charted = new Set(queries.flatMap((q) => promqlRefs(q.expr).metrics));
    for (const d of Object.values(METRICS)) {
      expect(charted).toContain('buckets' in d ? `${d.name}_bucket` : d.name);
    }
  });

  it('the dashboard has unique panel ids and reads from its datasource variable', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const variables = list(obj(dashboard.templating).list).map((v) => obj(v).name);
    expect(variables).toContain('datasource');
    for (const p of panels.filter((p) => p.type !== 'row')) {
      expect(obj(p.datasource).uid).toBe('${datasource}');
    }
  });

  it('Prometheus (compose) loads the rules and scrapes the three apps; Grafana loads the dashboard', () => {
    const prometheus = yamlDoc(at('prometheus', 'prometheus.yml'));
    for (const file of list(prometheus.rule_files)) {
      expect(existsSync(at('prometheus', String(file)))).toBe(true);
    }
    const wissel = list(prometheus.scrape_configs)
      .map(obj)
      .find((j) => j.job_name === 'wissel');
    const targets = list(wissel?.static_configs).flatMap((c) => list(obj(c).targets));
    expect(targets.sort()).toEqual(['dispatcher:3002', 'gateway:3000', 'router:3001']);
    const compose = yamlDoc(at('compose', 'docker-compose.yml'));
    const grafanaVolumes = list(obj(obj(compose.services).grafana).volumes).map(String);
    const provider = obj(
      list(yamlDoc(at('grafana', 'provisioning', 'dashboards', 'wissel.yml')).providers)[0],
    );
    const dashboardPath = String(obj(provider.options).path);
    expect(grafanaVolumes.some((v) => v.includes(`wissel-dashboard.json:${dashboardPath}/`))).toBe(
      true,
    );
  });
});
