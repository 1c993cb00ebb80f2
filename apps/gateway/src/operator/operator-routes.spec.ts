import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { WisselModule } from '../../../wissel/src/wissel.module';
import { GatewayModule } from '../gateway.module';
import { OperatorGuard } from './operator.guard';
import { REQUIRED_ROLE } from './require-role.decorator';

/** Every controller reachable from a module, through its imports (dynamic modules too). */
function controllersOf(root: unknown, seen = new Set<unknown>()): Array<Type<unknown>> {
  const module = (root as { module?: unknown })?.module ?? root;
  if (!module || seen.has(module)) return [];
  seen.add(module);
  const dynamic = root as { imports?: unknown[]; controllers?: Array<Type<unknown>> };
  const imports = [
    ...((Reflect.getMetadata('imports', module as object) as unknown[] | undefined) ?? []),
    ...(module === root ? [] : (dynamic.imports ?? [])),
  ];
  return [
    ...((Reflect.getMetadata('controllers', module as object) as Array<Type<unknown>>) ?? []),
    ...(module === root ? [] : (dynamic.controllers ?? [])),
    ...imports.flatMap((i) => controllersOf(i, seen)),
  ];
}

interface Route {
  controller: string;
  handler: string;
  path: string;
  role: unknown;
  guarded: boolean;
  method: RequestMethod;
}

function routes(controller: Type<unknown>): Route[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) as unknown[]) ?? [];
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .filter((name) => name !== 'constructor' && typeof proto[name] === 'function')
    .filter((name) => Reflect.getMetadata(METHOD_METADATA, proto[name] as object) !== undefined)
    .map((name) => {
      const handler = proto[name] as object;
      const guards = [
        ...classGuards,
        ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? []),
      ];
      return {
        controller: controller.name,
        handler: name,
        path: `/${base}/${String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')}`.replace(
          /\/+/g,
          '/',
        ),
        role:
          Reflect.getMetadata(REQUIRED_ROLE, handler) ??
          Reflect.getMetadata(REQUIRED_ROLE, controller),
        guarded: guards.includes(OperatorGuard),
        method: Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod,
      };
    });
}

describe('operator routes', () => {
  const all = [
    ...new Set([...controllersOf(GatewayModule), ...controllersOf(WisselModule)]),
  ].flatMap(routes);

  it('finds the admin routes (the scan itself works)', () => {
    expect(all.filter((r) => r.path.startsWith('/admin/')).length).toBeGreaterThanOrEqual(10);
  });

  it('every /admin route is behind OperatorGuard and declares a role', () => {
    const bare = all
      .filter((r) => r.path.startsWith('/admin/') || r.guarded)
      .filter((r) => !r.guarded || !['viewer', 'operator', 'admin'].includes(String(r.role)))
      .map((r) => `${r.controller}.${r.handler} ${r.path} (role ${String(r.role)})`);
    expect(bare).toEqual([]);
  });

  it('changes nothing for viewers: every state-changing admin route needs operator or admin', () => {
    const lax = all
      .filter((r) => r.guarded && r.role === 'viewer')
      .filter((r) => r.method !== RequestMethod.GET)
      .map((r) => `${r.controller}.${r.handler}`);
    expect(lax).toEqual([]);
  });
});
