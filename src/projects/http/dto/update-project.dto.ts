import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, ValidateIf } from 'class-validator';
import { PartialUpdateType } from '../../../common/http/partial-update-type';
import { CreateProjectDto } from './create-project.dto';

/**
 * `PATCH /projects/{id}`: any subset of the create fields and `archived`, at least one. No field
 * has a schema default: only the fields sent change.
 */
export class UpdateProjectDto extends PartialUpdateType(CreateProjectDto, {
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({
    description:
      '`true` archives the project (its tasks stay readable but cannot be created or changed ' +
      'until it is unarchived), `false` unarchives it. The inbox cannot be archived.',
    example: true,
  })
  @ValidateIf((_object, value) => value !== undefined)
  @IsBoolean()
  archived?: boolean;
}
