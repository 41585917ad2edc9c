import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      const fields = [...new Set(fieldErrors.map((error) => error.field))].join(', ');
      return new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check ${fields}.`, fieldErrors);
    },
  });
}
