import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ROUTING_RULES } from '@wissel/config';
import { parseDispatchAck, type RoutingRules } from '@wissel/domain';
import {
  ConflictError,
  DISPATCH_NOT_FOUND,
  InvalidReferralError,
  MalformedRequestError,
  NotFoundError,
  RecordAckUseCase,
  UnsupportedMediaTypeError,
  recipientsActedFor,
  type AckResult,
  type AuthenticatedPartner,
} from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { CurrentPartner } from '../partner-api/current-partner.decorator';
import { SignedPartnerGuard } from '../partner-api/signed-partner.guard';
import { AckBodyModel, AckResultModel } from './lifecycle-models';

// Refusals that are about a field of the ack rather than the dispatch's state.
const FIELD_OF: Record<string, string> = {
  ack_wrong_recipient: '/recipient',
  ack_from_future: '/at',
  ack_before_dispatch: '/at',
};

/**
 * Acks over the signed API, for partners that take dispatches by webhook (W6): the same
 * lifecycle as referrals.status.v1. A partner acts for the recipients whose id or hopIds is
 * its partner id; a dispatch to anyone else answers 404 exactly like an unknown id.
 */
@ApiTags('lifecycle')
@ApiSecurity('httpMessageSignature')
@ApiHeader({ name: 'Signature-Input', required: true, description: 'RFC 9421' })
@ApiHeader({ name: 'Signature', required: true, description: 'RFC 9421' })
@ApiHeader({ name: 'Content-Digest', required: true, description: 'RFC 9530' })
@Controller('v1/acks')
@UseGuards(SignedPartnerGuard)
export class AcksController {
  constructor(
    @Inject(ROUTING_RULES) private readonly rules: RoutingRules,
    private readonly recordAck: RecordAckUseCase,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge a dispatch: received, notice_sent, removed, moved or rejected',
    description:
      'Every ack is recorded, a refused one with its code. A repeat of the current status answers outcome duplicate; an ack of a stage already passed, late.',
  })
  @ApiBody({ type: AckBodyModel })
  @ApiOkResponse({ type: AckResultModel })
  @ApiProblems({
    400: 'The body is not JSON',
    401: 'The signature, digest, key or nonce was refused (code says which)',
    404: 'No dispatch of yours has this id',
    409: 'The dispatch has already ended otherwise (code dispatch_ended)',
    415: 'Content-Type is not application/json',
    422: 'The ack is invalid (field names it), or names another recipient or an implausible time',
  })
  async ack(
    @CurrentPartner() partner: AuthenticatedPartner,
    @Req() request: GatewayRequest,
  ): Promise<AckResult> {
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      throw new UnsupportedMediaTypeError(
        'unsupported_media_type',
        'send the ack as application/json',
      );
    }
    let body: unknown;
    try {
      // The guard read the body to check its digest; these are those exact bytes.
      body = JSON.parse(request.rawBody!.toString('utf8'));
    } catch {
      throw new MalformedRequestError('malformed_request', 'the body is not JSON');
    }
    const parsed = parseDispatchAck(body);
    if (!parsed.ok) {
      const { code, field, detail } = parsed.rejection;
      throw new InvalidReferralError('ack_invalid', detail, {
        reason: code,
        ...(field === undefined ? {} : { field }),
      });
    }
    const result = await this.recordAck.execute({
      ack: parsed.value,
      message: body as Record<string, unknown>,
      channel: 'api',
      source: `partner:${partner.partnerId}`,
      actsFor: recipientsActedFor(this.rules, partner.partnerId),
    });
    if (result.outcome !== 'refused') return result;
    const code = result.code!;
    const detail = result.detail ?? code;
    if (code === DISPATCH_NOT_FOUND) throw new NotFoundError(code, detail);
    const field = FIELD_OF[code];
    if (field) throw new InvalidReferralError(code, detail, { field });
    throw new ConflictError(code, detail);
  }
}
