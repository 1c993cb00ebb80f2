import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddPartnerKeyUseCase,
  ListPartnersUseCase,
  RegisterPartnerUseCase,
  RevokePartnerKeyUseCase,
  type AddedPartnerKey,
  type RegisterPartnerCommand,
} from '@wissel/pipeline';
import { ApiProblems } from '../http/api-problems.decorator';
import { type GatewayRequest } from '../http/gateway-request';
import { RequestBodyReader } from '../http/request-body.reader';
import { OperatorApi } from '../operator/operator-api.decorator';
import { RequireRole } from '../operator/require-role.decorator';
import {
  AddKeyBodyModel,
  AddedKeyModel,
  PartnerModel,
  RegisterPartnerBodyModel,
  RevokedKeyModel,
} from './admin-models';
import { toAddKeyCommand } from './add-key-body';

const OPERATOR_PROBLEMS = {
  400: 'The body is malformed (field names what)',
  401: 'No valid operator bearer token',
};

/** Partner administration, for operators: register partners, add and revoke keys. */
@ApiTags('admin')
@Controller('admin/partners')
@OperatorApi()
export class PartnersAdminController {
  constructor(
    private readonly bodies: RequestBodyReader,
    private readonly register: RegisterPartnerUseCase,
    private readonly addKey: AddPartnerKeyUseCase,
    private readonly revokeKey: RevokePartnerKeyUseCase,
    private readonly listAll: ListPartnersUseCase,
  ) {}

  @RequireRole('admin')
  @Post()
  @ApiOperation({ summary: 'Register a partner with the source systems it submits under' })
  @ApiBody({ type: RegisterPartnerBodyModel })
  @ApiCreatedResponse({ type: PartnerModel })
  @ApiProblems({
    ...OPERATOR_PROBLEMS,
    400: 'Invalid: a field, a recipient that does not exist, or an id that is a recipient id without declaring it',
    409: 'The id or a source system is taken',
  })
  async registerPartner(@Req() request: GatewayRequest) {
    const body = (await this.bodies.readJson(request)) as Partial<RegisterPartnerCommand> | null;
    return this.register.execute({
      id: body?.id as string,
      name: body?.name as string,
      sourceSystems: body?.sourceSystems as string[],
      ...(body?.recipients === undefined ? {} : { recipients: body.recipients }),
    });
  }

  @RequireRole('viewer')
  @Get()
  @ApiOperation({ summary: 'Every partner with its keys (no key material)' })
  @ApiOkResponse({ type: [PartnerModel] })
  @ApiProblems(OPERATOR_PROBLEMS)
  listPartners() {
    return this.listAll.execute();
  }

  @RequireRole('admin')
  @Post(':partnerId/keys')
  @ApiOperation({
    summary: 'Add a signing key',
    description:
      'Give an Ed25519 public JWK, or an HMAC-SHA256 secret (base64url, ≥ 32 bytes), or generate: true to have one made; a generated private key or secret is in this answer only.',
  })
  @ApiBody({ type: AddKeyBodyModel })
  @ApiCreatedResponse({ type: AddedKeyModel })
  @ApiProblems({ ...OPERATOR_PROBLEMS, 404: 'No such partner', 409: 'The key id is taken' })
  async addPartnerKey(
    @Param('partnerId') partnerId: string,
    @Req() request: GatewayRequest,
  ): Promise<AddedPartnerKey> {
    return this.addKey.execute(toAddKeyCommand(partnerId, await this.bodies.readJson(request)));
  }

  @RequireRole('admin')
  @Delete(':partnerId/keys/:keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key: requests signed with it are refused from now on' })
  @ApiOkResponse({ type: RevokedKeyModel, description: 'Revoked (also when it already was)' })
  @ApiProblems({ ...OPERATOR_PROBLEMS, 404: 'The partner has no such key' })
  revokePartnerKey(@Param('partnerId') partnerId: string, @Param('keyId') keyId: string) {
    return this.revokeKey.execute(partnerId, keyId);
  }
}
