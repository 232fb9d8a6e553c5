import { PartialUpdateType } from '../../../common/http/partial-update-type';
import { CreateLabelDto } from './create-label.dto';

/** `PATCH /labels/{id}`: `name` and/or `color`, at least one; `null` is invalid for both. */
export class UpdateLabelDto extends PartialUpdateType(CreateLabelDto, {
  skipNullProperties: false,
}) {}
