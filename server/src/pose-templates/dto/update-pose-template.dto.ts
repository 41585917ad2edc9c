import { PartialType } from '@nestjs/swagger';
import { CreatePoseTemplateDto } from './create-pose-template.dto.js';

/** Changes the given fields only; keypoints and canvas must be sent together. */
export class UpdatePoseTemplateDto extends PartialType(CreatePoseTemplateDto, { skipNullProperties: false }) {}
