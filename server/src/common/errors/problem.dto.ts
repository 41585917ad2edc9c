import { ApiProperty } from '@nestjs/swagger';
import { ProblemCode } from './problem.js';

export class FieldErrorDto {
  /** Path of the offending field, e.g. `colors[0]`. */
  field!: string;
  message!: string;
}

/** RFC 9457 problem details, as every error answer carries them. */
export class ProblemDto {
  /** A URI naming the problem type: `urn:lumiku:problem:<code>`. */
  type!: string;
  title!: string;
  status!: number;
  detail!: string;
  /** The request path. */
  instance!: string;
  @ApiProperty({ enum: ProblemCode, enumName: 'ProblemCode' })
  code!: ProblemCode;
  /** The same value as the `x-request-id` response header. */
  requestId!: string;
  errors?: FieldErrorDto[];
}
