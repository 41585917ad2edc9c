import type { Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { createValidationPipe } from '../common/errors/validation.js';

export interface ImageUpload<Fields> {
  file: Buffer;
  fields: Fields;
}

const MEGABYTE = 1024 * 1024;
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 4096;
const fieldValidation = createValidationPipe();

/**
 * Reads a multipart request holding one image in `file` and the text fields described by `fieldsType` (none
 * when it is omitted).
 * Limits apply while the body streams in: the file is refused (413) on the first byte past `maxFileBytes`,
 * a second file, too many fields or an oversized field stop the parse, and nothing is stored before all
 * checks pass.
 */
export async function readImageUpload(request: FastifyRequest, maxFileBytes: number): Promise<ImageUpload<undefined>>;
export async function readImageUpload<Fields extends object>(
  request: FastifyRequest,
  maxFileBytes: number,
  fieldsType: Type<Fields>,
): Promise<ImageUpload<Fields>>;
export async function readImageUpload<Fields extends object>(
  request: FastifyRequest,
  maxFileBytes: number,
  fieldsType?: Type<Fields>,
): Promise<ImageUpload<Fields | undefined>> {
  if (!request.isMultipart()) {
    throw new ProblemException(
      415,
      ProblemCode.UnsupportedMediaType,
      'Send multipart/form-data with the image in the `file` field.',
    );
  }
  const fields: Record<string, string> = {};
  let file: Buffer | undefined;
  try {
    const parts = request.parts({
      limits: {
        fileSize: maxFileBytes,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        parts: MAX_FIELDS + 1,
      },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw invalidField(part.fieldname, `${part.fieldname} must not be a file; send the image as file`);
        file = await part.toBuffer();
      } else {
        if (part.fieldname === 'file') throw invalidField('file', 'file must be a file, not a text field');
        if (part.valueTruncated)
          throw invalidField(part.fieldname, `${part.fieldname} is longer than ${MAX_FIELD_BYTES} bytes`);
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    throw asUploadProblem(error, maxFileBytes);
  }
  if (!file) throw invalidField('file', 'file is required');
  if (!fieldsType) {
    const unexpected = Object.keys(fields);
    if (unexpected.length > 0)
      throw invalidField(unexpected[0], `${unexpected[0]} is not expected; send only the file`);
    return { file, fields: undefined };
  }
  const validated = (await fieldValidation.transform(fields, { type: 'body', metatype: fieldsType })) as Fields;
  return { file, fields: validated };
}

function invalidField(field: string, message: string): ProblemException {
  return new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check ${field}.`, [
    { field, message },
  ]);
}

function asUploadProblem(error: unknown, maxFileBytes: number): unknown {
  switch ((error as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ProblemException(
        413,
        ProblemCode.PayloadTooLarge,
        `The file is larger than the ${+(maxFileBytes / MEGABYTE).toFixed(2)} MB (${maxFileBytes} bytes) allowed here.`,
      );
    case 'FST_FILES_LIMIT':
      return new ProblemException(400, ProblemCode.InvalidRequest, 'Send one file per request.');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new ProblemException(
        400,
        ProblemCode.InvalidRequest,
        `Send at most ${MAX_FIELDS} fields besides the file.`,
      );
    default:
      return error;
  }
}
