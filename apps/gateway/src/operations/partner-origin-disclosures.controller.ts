import { Controller, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DiscloseOriginUseCase, type AuthenticatedPartner } from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { CurrentPartner } from '../partner-api/current-partner.decorator';
import { SignedPartnerGuard } from '../partner-api/signed-partner.guard';
import { objectBody } from './holds.controller';
import { answering } from './operation-errors';
import { disclosureCommand } from './origin-disclosures.controller';
import { DiscloseOriginBodyModel } from './operation-models';

/**
 * A partner hotline often learns a CDN customer's origin from the CDN's abuse desk; it
 * tells Wissel here, signed like every partner request, and the cases held in review as
 * behind_cdn on that host are routed again. The answer says how many were re-routed, not
 * which (they need not be this partner's referrals).
 */
@ApiTags('referrals')
@ApiSecurity('httpMessageSignature')
@Controller('v1/origin-disclosures')
@UseGuards(SignedPartnerGuard)
export class PartnerOriginDisclosuresController {
  constructor(private readonly disclose: DiscloseOriginUseCase) {}

  @Post()
  @ApiOperation({ summary: 'Disclose the origin server behind a CDN-fronted host' })
  @ApiBody({ type: DiscloseOriginBodyModel })
  @ApiCreatedResponse({ description: 'The disclosure id and how many referrals were re-routed' })
  @ApiProblems({
    400: 'The body is malformed',
    401: 'The signature, digest, key or nonce was refused (code says which)',
    422: 'A field is invalid (field names it)',
  })
  async create(@CurrentPartner() partner: AuthenticatedPartner, @Req() request: GatewayRequest) {
    const body = objectBody(parseJson(request.rawBody));
    const { disclosure, rerouted } = await answering(() =>
      this.disclose.execute(disclosureCommand(body, `partner:${partner.partnerId}`)),
    );
    return { id: disclosure.id, rerouted: rerouted.length };
  }
}

function parseJson(body: Buffer | undefined): unknown {
  try {
    return JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
}
