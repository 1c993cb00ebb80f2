/**
 * The OpenAPI document (docs/openapi.json, which the apps serve) documents every route the
 * HTTP apps really register: the routes are read from Express's router of the running
 * gateway and of the embedded mode's app, not from a list kept by hand. A route added
 * without its Swagger decorators fails here; so does a documented route no app serves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { TestStack } from '../support/stack';

/**
 * Routes that are not the API, so not in the document: the document itself, Prometheus'
 * text exposition for scrapers, and the dashboard's HTML page and assets (its data comes
 * from /admin/dashboard.json, which is documented). Each must be registered, so none rots.
 */
const NOT_API = [
  'GET /openapi.json',
  'GET /metrics',
  'GET /dashboard',
  'GET /dashboard/app.js',
  'GET /dashboard/app.css',
];

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** "METHOD /path/{param}" for every route on the app's Express router. */
function registeredRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const routes = new Set<string>();
  for (const { route } of express.router.stack) {
    if (!route) continue; // middleware, not a route
    for (const path of [route.path].flat()) {
      // Nest mounts middleware applied forRoutes('{*path}') as a route per method (logging,
      // metrics, hardening): not an endpoint.
      if (path === '/{*path}') continue;
      for (const method of Object.keys(route.methods)) {
        routes.add(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return [...routes].sort();
}

const document = JSON.parse(readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { summary?: string }>>;
};
const documented = Object.entries(document.paths)
  .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`))
  .sort();

describe('the OpenAPI document covers every route the apps register', () => {
  let stack: TestStack;
  let gateway: string[];
  let wissel: string[];

  beforeAll(async () => {
    stack = await TestStack.create('openapi_routes');
    gateway = registeredRoutes(await stack.start('gateway'));
    wissel = registeredRoutes(await stack.start('wissel', { MESSAGING: 'postgres' }));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('reads real routes from the running apps (the API and the non-API ones)', () => {
    // A guard on the reading itself: an empty list would make the next checks vacuous.
    expect(gateway).toEqual(expect.arrayContaining(['POST /v1/referrals', ...NOT_API]));
    expect(wissel).toEqual(expect.arrayContaining(['GET /v1/feeds/{recipient}', ...NOT_API]));
  });

  it.each([
    ['gateway', () => gateway],
    ['wissel (embedded mode)', () => wissel],
  ])('documents every API route the %s app registers', (_name, routes) => {
    const undocumented = routes().filter((r) => !NOT_API.includes(r) && !documented.includes(r));
    expect(undocumented).toEqual([]);
  });

  it('documents no route that no app serves, and says which are the embedded mode only', () => {
    expect(documented.filter((r) => !gateway.includes(r) && !wissel.includes(r))).toEqual([]);
    const embeddedOnly = documented.filter((r) => !gateway.includes(r));
    expect(embeddedOnly).toEqual(['GET /v1/feeds/{recipient}']);
    for (const route of embeddedOnly) {
      const [method, path] = route.split(' ') as [string, string];
      expect(document.paths[path]![method.toLowerCase()]!.summary).toMatch(/embedded mode only/);
    }
  });
});
