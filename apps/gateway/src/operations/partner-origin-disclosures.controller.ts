import { Controller, Delete, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import {
  DiscloseOriginUseCase,
  WithdrawOriginDisclosureUseCase,
  type AuthenticatedPartner,
} from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { CurrentPartner } from '../partner-api/current-partner.decorator';
import { SignedPartnerGuard } from '../partner-api/signed-partner.guard';
import { objectBody } from './holds.controller';
import { answering } from './operation-errors';
import { disclosureCommand } from './origin-disclosures.controller';
import { DiscloseOriginBodyModel, PartnerDisclosureModel, ReroutedModel } from './operation-models';

/**
 * A partner hotline often learns a CDN customer's origin from the CDN's abuse desk; it
 * tells Wissel here, signed like every partner request. The disclosure speaks for this
 * partner's own referrals only (its source systems) until an operator confirms it, it
 * expires, and the partner can withdraw it; it locates only hosts whose trace finds just a
 * CDN edge. This partner's cases held in review as behind_cdn on that host are routed again.
 */
@ApiTags('referrals')
@ApiSecurity('httpMessageSignature')
@Controller('v1/origin-disclosures')
@UseGuards(SignedPartnerGuard)
export class PartnerOriginDisclosuresController {
  constructor(
    private readonly disclose: DiscloseOriginUseCase,
    private readonly withdraw: WithdrawOriginDisclosureUseCase,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Disclose the origin server behind a CDN-fronted host' })
  @ApiBody({ type: DiscloseOriginBodyModel })
  @ApiCreatedResponse({
    type: PartnerDisclosureModel,
    description: 'The disclosure id and how many referrals were re-routed',
  })
  @ApiProblems({
    400: 'The body is malformed',
    401: 'The signature, digest, key or nonce was refused (code says which)',
    422: 'A field is invalid (field names it)',
  })
  async create(@CurrentPartner() partner: AuthenticatedPartner, @Req() request: GatewayRequest) {
    const body = objectBody(parseJson(request.rawBody));
    const { disclosure, rerouted } = await answering(() =>
      this.disclose.execute({
        ...disclosureCommand(body, `partner:${partner.partnerId}`),
        sourceSystems: partner.sourceSystems,
      }),
    );
    return {
      id: disclosure.id,
      expiresAt: disclosure.expiresAt,
      sourceSystems: disclosure.sourceSystems,
      rerouted: rerouted.length,
    };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw one of your own origin disclosures' })
  @ApiOkResponse({ type: ReroutedModel, description: 'How many referrals were decided again' })
  @ApiProblems({
    401: 'The signature, digest, key or nonce was refused',
    404: 'No disclosure of yours in force with this id',
  })
  async remove(@CurrentPartner() partner: AuthenticatedPartner, @Param('id') id: string) {
    const by = `partner:${partner.partnerId}`;
    const { rerouted } = await answering(() => this.withdraw.execute(id, by, by));
    return { id, rerouted: rerouted.length };
  }
}

function parseJson(body: Buffer | undefined): unknown {
  try {
    return JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
}
