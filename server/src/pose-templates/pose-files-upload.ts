import type { FastifyRequest } from 'fastify';
import { readMultipartForm } from '../common/validation/multipart-form.js';
import { ImportPoseTemplatesFieldsDto } from './dto/import-pose-templates.dto.js';
import type { UploadedPoseFile } from './pose-templates.service.js';

/** COCO annotation files of a few thousand people stay under this. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 100;
const MAX_FIELDS = 10;
const MAX_FIELD_BYTES = 2048;

export interface PoseFilesUpload {
  files: UploadedPoseFile[];
  fields: ImportPoseTemplatesFieldsDto;
}

/**
 * Reads `POST /v1/pose-templates/import`: one or more `files` parts plus the
 * `category` and `tags` text fields. Limits apply while the body streams in.
 */
export async function readPoseFilesUpload(request: FastifyRequest): Promise<PoseFilesUpload> {
  const { files, fields } = await readMultipartForm(request, {
    fileField: 'files',
    limits: { fileBytes: MAX_FILE_BYTES, files: MAX_FILES, fields: MAX_FIELDS, fieldBytes: MAX_FIELD_BYTES },
    fieldsType: ImportPoseTemplatesFieldsDto,
    expected: 'one or more pose files in `files`',
  });
  return {
    files: files.map((file, index) => ({ filename: file.filename || `file-${index + 1}.json`, content: file.content })),
    fields: fields!,
  };
}
