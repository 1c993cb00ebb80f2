import { Logger, type ArgumentsHost } from '@nestjs/common';
import { type HttpAdapterHost } from '@nestjs/core';
import { NotAuthenticatedError, SignatureRefusedError } from '@wissel/pipeline';
import { ProblemFilter } from './problem.filter';

/** Runs the filter on one error for a /v1 request; returns the answer and the log calls. */
function answerTo(error: unknown) {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  const response = {
    headersSent: false,
    statusCode: 0,
    headers: {} as Record<string, string>,
    body: '',
    setHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
    },
    end(body: string) {
      this.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: '/v1/referrals' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  try {
    new ProblemFilter({ httpAdapter: {} } as HttpAdapterHost).catch(error, host);
    return {
      response,
      problem: JSON.parse(response.body) as Record<string, unknown>,
      warn: warn.mock.calls,
      log: log.mock.calls,
    };
  } finally {
    warn.mockRestore();
    log.mockRestore();
  }
}

describe('ProblemFilter: signature refusals', () => {
  it('answers every concealed reason with the same problem, apart from the instance', () => {
    const answers = (['key_unknown', 'key_revoked', 'signature_invalid'] as const).map((reason) =>
      answerTo(new SignatureRefusedError(reason, `key-of-${reason}`)),
    );
    const bodies = answers.map(({ problem: { instance, ...rest } }) => {
      expect(instance).toMatch(/^urn:uuid:/);
      return JSON.stringify(rest);
    });
    expect(new Set(bodies).size).toBe(1);
    expect(answers[0]!.response.statusCode).toBe(401);
    expect(answers[0]!.problem).not.toHaveProperty('reason');
    expect(bodies[0]).not.toMatch(/key_unknown|key_revoked|key-of/);
  });

  it('logs the real reason and key id at warn, with the instance the caller was given', () => {
    const { problem, warn, log } = answerTo(
      new SignatureRefusedError('key_revoked', 'iwf-old', 'iwf'),
    );
    expect(log).toEqual([]);
    expect(warn).toEqual([
      [
        expect.objectContaining({
          code: 'signature_invalid',
          instance: problem.instance,
          reason: 'key_revoked',
          keyId: 'iwf-old',
          keyPartnerId: 'iwf',
        }),
        'partner signature refused',
      ],
    ]);
  });

  it('keeps refusals about the request itself distinct, logged as before', () => {
    const { problem, warn, log } = answerTo(
      new NotAuthenticatedError('signature_expired', 'created is 400 s old'),
    );
    expect(problem).toMatchObject({ code: 'signature_expired', detail: 'created is 400 s old' });
    expect(warn).toEqual([]);
    expect(log).toHaveLength(1);
  });

  it('bounds the key id a caller wrote before it reaches the log', () => {
    expect(new SignatureRefusedError('key_unknown', 'k'.repeat(5000)).keyId).toHaveLength(128);
  });
});
