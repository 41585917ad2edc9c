import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { unstorableTextErrors } from '../validation/text-safety.js';
import { ProblemCode, ProblemException, type FieldError } from './problem.js';

/** Flattens nested class-validator errors into `{field: "fonts[0].family", message}` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

function validationProblem(fieldErrors: FieldError[]): ProblemException {
  const fields = [...new Set(fieldErrors.map((error) => error.field))].join(', ');
  return new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check ${fields}.`, fieldErrors);
}

const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isDto = (metatype: ArgumentMetadata['metatype']) =>
  metatype !== undefined && ![Object, Array, String, Number, Boolean].includes(metatype as never);

/** class-validator's pipe, after one rule for every body, query and path: only text PostgreSQL can store. */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const unstorable = unstorableTextErrors(value);
      if (unstorable.length > 0) throw validationProblem(unstorable);
    }
    // A DTO body is an object; `null`, an array or a bare value would otherwise read as "no fields".
    if (metadata.type === 'body' && isDto(metadata.metatype) && value !== undefined && !isPlainObject(value))
      throw validationProblem([{ field: 'body', message: 'body must be a JSON object' }]);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}
