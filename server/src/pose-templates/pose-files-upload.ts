import type { FastifyRequest } from 'fastify';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import { createValidationPipe } from '../common/errors/validation.js';
import { ImportPoseTemplatesFieldsDto } from './dto/import-pose-templates.dto.js';
import type { UploadedPoseFile } from './pose-templates.service.js';

/** COCO annotation files of a few thousand people stay under this. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 100;
const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 2048;
const fieldValidation = createValidationPipe();

export interface PoseFilesUpload {
  files: UploadedPoseFile[];
  fields: ImportPoseTemplatesFieldsDto;
}

/**
 * Reads `POST /v1/pose-templates/import`: one or more `files` parts plus the
 * `category` and `tags` text fields. Limits apply while the body streams in.
 */
export async function readPoseFilesUpload(request: FastifyRequest): Promise<PoseFilesUpload> {
  if (!request.isMultipart()) {
    throw new ProblemException(
      415,
      ProblemCode.UnsupportedMediaType,
      'Send multipart/form-data with one or more pose files in `files`.',
    );
  }
  const files: UploadedPoseFile[] = [];
  const fields: Record<string, string> = {};
  try {
    const parts = request.parts({
      limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'files')
          throw invalidField(part.fieldname, `${part.fieldname} must not be a file; send pose files as files`);
        files.push({
          filename: part.filename || `file-${files.length + 1}.json`,
          content: await part.toBuffer(),
        });
      } else {
        if (part.fieldname === 'files') throw invalidField('files', 'files must be file parts, not text fields');
        if (part.valueTruncated)
          throw invalidField(part.fieldname, `${part.fieldname} is longer than ${MAX_FIELD_BYTES} bytes`);
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    throw asUploadProblem(error);
  }
  if (files.length === 0) throw invalidField('files', 'send at least one pose file in files');
  const validated = (await fieldValidation.transform(fields, {
    type: 'body',
    metatype: ImportPoseTemplatesFieldsDto,
  })) as ImportPoseTemplatesFieldsDto;
  return { files, fields: validated };
}

function invalidField(field: string, message: string): ProblemException {
  return new ProblemException(400, ProblemCode.ValidationFailed, `Invalid request: check ${field}.`, [
    { field, message },
  ]);
}

function asUploadProblem(error: unknown): unknown {
  switch ((error as { code?: string }).code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ProblemException(
        413,
        ProblemCode.PayloadTooLarge,
        `A pose file is larger than the ${MAX_FILE_BYTES / 1024 / 1024} MB allowed.`,
      );
    case 'FST_FILES_LIMIT':
      return new ProblemException(400, ProblemCode.InvalidRequest, `Send at most ${MAX_FILES} files per import.`);
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new ProblemException(
        400,
        ProblemCode.InvalidRequest,
        `Send at most ${MAX_FIELDS} text fields besides the files.`,
      );
    default:
      return error;
  }
}
