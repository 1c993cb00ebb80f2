import { createHash } from 'node:crypto';
import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { loadConfig } from '@wissel/config';
import { OperatorGuard } from './operator.guard';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

function context(authorization?: string): ExecutionContext {
  const headers: Record<string, string> = {};
  const request = { headers: authorization === undefined ? {} : { authorization } };
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
}

describe('OperatorGuard', () => {
  const guard = new OperatorGuard(
    loadConfig({ OPERATOR_TOKEN_SHA256: `${sha256('first-token')},${sha256('second-token')}` }),
  );

  it('accepts a bearer token whose SHA-256 is configured, any of several', () => {
    expect(guard.canActivate(context('Bearer first-token'))).toBe(true);
    expect(guard.canActivate(context('bearer second-token'))).toBe(true);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer other-token',
    'Basic first-token',
    sha256('first-token'),
  ])('refuses %p with an operator_unauthenticated problem', (authorization) => {
    expect.assertions(2);
    try {
      guard.canActivate(context(authorization));
    } catch (error) {
      expect(error).toBeInstanceOf(UnauthorizedException);
      expect((error as UnauthorizedException).getResponse()).toMatchObject({
        status: 401,
        code: 'operator_unauthenticated',
      });
    }
  });

  it('refuses everyone when no digest is configured', () => {
    const closed = new OperatorGuard(loadConfig({}));
    expect(() => closed.canActivate(context('Bearer '))).toThrow(UnauthorizedException);
    expect(() => closed.canActivate(context('Bearer first-token'))).toThrow(UnauthorizedException);
  });

  it('refuses a raw token in the configuration', () => {
    expect(() => loadConfig({ OPERATOR_TOKEN_SHA256: 'first-token' })).toThrow(
      /OPERATOR_TOKEN_SHA256/,
    );
  });
});
