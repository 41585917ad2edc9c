import type { Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { readMultipartForm } from '../common/validation/multipart-form.js';

export interface ImageUpload<Fields> {
  file: Buffer;
  fields: Fields;
}

const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 4096;

/**
 * Reads a multipart request holding one image in `file` and the text fields described by `fieldsType` (none
 * when it is omitted). The file is refused (413) on the first byte past `maxFileBytes`, a second file, too
 * many fields or an oversized field stop the parse, and nothing is stored before all checks pass.
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
  const { files, fields } = await readMultipartForm(request, {
    fileField: 'file',
    limits: { fileBytes: maxFileBytes, files: 1, fields: MAX_FIELDS, fieldBytes: MAX_FIELD_BYTES },
    fieldsType,
    expected: 'the image in the `file` field',
  });
  return { file: files[0].content, fields };
}
