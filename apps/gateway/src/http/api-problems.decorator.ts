import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemModel } from '../partner-api/api-models';

/** Documents error answers as application/problem+json, one line per status. */
export function ApiProblems(statuses: Record<number, string>) {
  return applyDecorators(
    ApiExtraModels(ProblemModel),
    ...Object.entries(statuses).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemModel) } } },
      }),
    ),
  );
}
