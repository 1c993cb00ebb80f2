import {
  HttpException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { catchError, concatMap, from, mergeMap, Observable, throwError } from 'rxjs';
import { type DataSource } from 'typeorm';
import { AuditTrail, runAsAuditActor } from '@wissel/persistence';
import { type GatewayRequest } from '../http/gateway-request';

/**
 * Runs an operator's request as that operator (the state changes it makes are audited
 * under their name) and records every operator action — any method but GET — with its
 * route, the ids in its path and its outcome, refused or not. Never the body: a hold's
 * value may be a URL.
 */
@Injectable()
export class OperatorAuditInterceptor implements NestInterceptor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<GatewayRequest & RouteInfo>();
    const actor = request.operator?.actor;
    if (actor === undefined) return next.handle();
    const record = (outcome: number | 'ok') =>
      request.method === 'GET' ? Promise.resolve() : this.recordAction(request, actor, outcome);
    return new Observable((subscriber) =>
      runAsAuditActor(actor, () =>
        next
          .handle()
          .pipe(
            concatMap(async (value: unknown) => {
              await record('ok');
              return value;
            }),
            catchError((error: unknown) =>
              from(record(statusOf(error))).pipe(mergeMap(() => throwError(() => error))),
            ),
          )
          .subscribe(subscriber),
      ),
    );
  }

  private async recordAction(
    request: RouteInfo & GatewayRequest,
    actor: string,
    outcome: number | 'ok',
  ) {
    const route = request.route?.path ?? (request.originalUrl ?? '').split('?')[0] ?? '';
    const params = request.params ?? {};
    await this.audit.record(this.dataSource, {
      actor,
      action: 'operator.action',
      subject: Object.values(params)[0] ?? route,
      details: { method: request.method, route, params, outcome },
    });
  }
}

interface RouteInfo {
  route?: { path?: string };
  params?: Record<string, string>;
}

/** The status the problem filter gives a typed refusal (kind → status), else 500. */
function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const kind = (error as { kind?: string }).kind;
  const byKind: Record<string, number> = {
    malformed: 400,
    unauthenticated: 401,
    forbidden: 403,
    not_found: 404,
    conflict: 409,
    invalid: 422,
  };
  return (kind && byKind[kind]) || 500;
}
