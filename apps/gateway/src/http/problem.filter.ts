import { type ServerResponse } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { isTransientFailure, summarise } from '@wissel/messaging';
import {
  DependencyUnavailableError,
  PartnerApiError,
  RETRY_AFTER_SECONDS,
  SignatureRefusedError,
} from '@wissel/pipeline';
import { type GatewayRequest } from './gateway-request';
import {
  problemOf,
  problemOfStatus,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
} from './problem-details';

// The API's own paths answer every error as problem details; others (health) keep Nest's.
const API_PATH = /^\/(v1|admin)(\/|\?|$)/;

/**
 * Maps errors to `application/problem+json` (RFC 9457) for the partner and operator APIs:
 * typed PartnerApiErrors by their kind, Nest's HttpExceptions by status, and anything else
 * as a dependency outage (503, retry) when it looks like one, else a 500. Logs the code and
 * the occurrence id (and a concealed signature refusal's real reason), never a body or a
 * URL's query.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('problem');
  private readonly fallback: BaseExceptionFilter;

  constructor(adapterHost: HttpAdapterHost) {
    this.fallback = new BaseExceptionFilter(adapterHost.httpAdapter);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<GatewayRequest>();
    const response = http.getResponse<ServerResponse>();
    const isApi = error instanceof PartnerApiError || API_PATH.test(request.originalUrl ?? '');
    if (!isApi) {
      this.fallback.catch(error, host);
      return;
    }
    const { problem, retryAfter } = this.toProblem(error);
    const log = {
      code: problem.code,
      status: problem.status,
      instance: problem.instance,
      partnerId: request.partner?.partnerId,
      path: (request.originalUrl ?? '').split('?')[0],
    };
    if (problem.status >= 500) this.logger.error(log, 'request failed');
    else if (error instanceof SignatureRefusedError) {
      // The answer hides why; the log (with the answer's instance) says it, at warn.
      this.logger.warn(
        {
          ...log,
          reason: error.concealedReason,
          keyId: error.keyId,
          keyPartnerId: error.partnerId,
        },
        'partner signature refused',
      );
    } else this.logger.log(log, 'request refused');

    if (response.headersSent) return;
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    // An oversized body is left unread: close the connection rather than drain it.
    if (problem.status === 413) response.setHeader('Connection', 'close');
    if (problem.status === 401) {
      response.setHeader('WWW-Authenticate', 'Signature');
    }
    response.statusCode = problem.status;
    response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    response.end(JSON.stringify(problem));
  }

  private toProblem(error: unknown): { problem: ProblemDetails; retryAfter?: number } {
    if (error instanceof PartnerApiError) {
      return { problem: problemOf(error), retryAfter: error.extras.retryAfterSeconds };
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      // A problem already shaped by its thrower (e.g. the operator guard) is kept.
      if (isProblem(body)) return { problem: body };
      return { problem: problemOfStatus(error.getStatus(), error.message) };
    }
    if (isTransientFailure(error)) {
      const outage = new DependencyUnavailableError(
        'dependency_unavailable',
        'a dependency of the gateway is unavailable; nothing was accepted, retry later',
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
      this.logger.warn({ error: summarise(error) }, 'dependency unavailable');
      return { problem: problemOf(outage), retryAfter: RETRY_AFTER_SECONDS };
    }
    this.logger.error({ error: summarise(error) }, 'unexpected error');
    return { problem: problemOfStatus(500, 'an unexpected error; the operators have it logged') };
  }
}

function isProblem(body: unknown): body is ProblemDetails {
  const b = body as Partial<ProblemDetails> | null;
  return typeof b?.type === 'string' && typeof b.code === 'string' && typeof b.status === 'number';
}
