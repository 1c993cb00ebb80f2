import { createHash } from 'node:crypto';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { loadConfig } from '@wissel/config';
import { type OperatorRole } from '@wissel/domain';
import { OidcAuthenticator } from './oidc.authenticator';
import { OperatorGuard } from './operator.guard';
import { REQUIRED_ROLE } from './require-role.decorator';
import { StaticTokenAuthenticator } from './static-token.authenticator';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

function context(authorization: string | undefined, need?: OperatorRole) {
  const headers: Record<string, string> = {};
  const request: Record<string, unknown> = {
    headers: authorization === undefined ? {} : { authorization },
  };
  const handler = () => undefined;
  if (need) Reflect.defineMetadata(REQUIRED_ROLE, need, handler);
  const ctx = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    getHandler: () => handler,
    getClass: () => class {},
  } as unknown as ExecutionContext;
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  return { ctx, request, headers };
}

function guardFor(env: Record<string, string>): OperatorGuard {
  const config = loadConfig(env);
  return new OperatorGuard(
    new Reflector(),
    new StaticTokenAuthenticator(config),
    new OidcAuthenticator(config),
  );
}

async function refusal(guard: OperatorGuard, ctx: ExecutionContext): Promise<unknown> {
  try {
    await guard.canActivate(ctx);
  } catch (error) {
    return error;
  }
  throw new Error('the guard let the request through');
}

describe('OperatorGuard with static tokens', () => {
  const guard = guardFor({
    OPERATOR_TOKEN_SHA256: [
      sha256('admin-token'),
      `${sha256('viewer-token')}:viewer:night-desk`,
      `${sha256('operator-token')}:operator`,
    ].join(','),
  });

  it('lets a token with enough role through and names the operator', async () => {
    const admin = context('Bearer admin-token', 'admin');
    expect(await guard.canActivate(admin.ctx)).toBe(true);
    expect(admin.request.operator).toEqual({
      actor: `token:token-${sha256('admin-token').slice(0, 8)}`,
      role: 'admin',
      via: 'token',
    });
    const viewer = context('bearer viewer-token', 'viewer');
    expect(await guard.canActivate(viewer.ctx)).toBe(true);
    expect(viewer.request.operator).toMatchObject({ actor: 'token:night-desk', role: 'viewer' });
    expect(await guard.canActivate(context('Bearer operator-token', 'viewer').ctx)).toBe(true);
  });

  it('answers 403 when the role is too low', async () => {
    for (const [token, need] of [
      ['viewer-token', 'operator'],
      ['operator-token', 'admin'],
    ] as const) {
      const error = await refusal(guard, context(`Bearer ${token}`, need).ctx);
      expect(error).toBeInstanceOf(ForbiddenException);
      expect((error as ForbiddenException).getResponse()).toMatchObject({
        status: 403,
        code: 'operator_forbidden',
      });
    }
  });

  it('refuses a route that declares no role, even to an admin', async () => {
    expect(await refusal(guard, context('Bearer admin-token').ctx)).toBeInstanceOf(
      ForbiddenException,
    );
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer other-token',
    'Basic admin-token',
    sha256('admin-token'),
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  ])('refuses %p with a 401 operator_unauthenticated problem', async (authorization) => {
    const { ctx, headers } = context(authorization, 'viewer');
    const error = await refusal(guard, ctx);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect((error as UnauthorizedException).getResponse()).toMatchObject({
      status: 401,
      code: 'operator_unauthenticated',
    });
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="wissel-operator"');
  });

  it('refuses everyone when nothing is configured', async () => {
    const closed = guardFor({});
    expect(await refusal(closed, context('Bearer admin-token', 'viewer').ctx)).toBeInstanceOf(
      UnauthorizedException,
    );
  });
});
