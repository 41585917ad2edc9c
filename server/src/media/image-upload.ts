import type { Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { readMultipartForm } from '../common/validation/multipart-form.js';
import { spoolToTemporaryFiles, type SpooledFile } from './spooled-upload.js';

export interface ImageUpload<Fields> {
  file: Buffer;
  fields: Fields;
}

const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 4096;

function imageForm<Fields extends object>(maxFileBytes: number, fieldsType: Type<Fields> | undefined) {
  return {
    fileField: 'file',
    limits: { fileBytes: maxFileBytes, files: 1, fields: MAX_FIELDS, fieldBytes: MAX_FIELD_BYTES },
    fieldsType,
    expected: 'the image in the `file` field',
  };
}

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
  const { files, fields } = await readMultipartForm(request, imageForm(maxFileBytes, fieldsType));
  return { file: files[0].content, fields };
}

/**
 * Like readImageUpload, for the routes that take large photos (avatars, products): the file is spooled to
 * a temporary file rather than held in memory, handed to `work`, and deleted when `work` settles.
 */
export async function withSpooledImageUpload<Fields extends object, Result>(
  request: FastifyRequest,
  maxFileBytes: number,
  fieldsType: Type<Fields>,
  work: (file: SpooledFile, fields: Fields) => Promise<Result>,
): Promise<Result> {
  const { files, fields } = await readMultipartForm(request, {
    ...imageForm(maxFileBytes, fieldsType),
    receiver: spoolToTemporaryFiles,
  });
  const [{ content: file }] = files;
  try {
    return await work(file, fields as Fields);
  } finally {
    await spoolToTemporaryFiles.discard(file);
  }
}
