import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { Idempotent } from '../common/idempotency/idempotency.interceptor.js';
import { sendEventStream } from '../common/sse.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { RequestOrigin } from '../media/request-origin.decorator.js';
import { CREATE_GENERATION_EXAMPLE, CreateGenerationDto } from './dto/create-generation.dto.js';
import { GeneratedPoseListDto } from './dto/generated-pose.dto.js';
import { GenerationDto, GenerationListDto, GenerationQuoteDto } from './dto/generation.dto.js';
import { ListGenerationPosesQueryDto, ListGenerationsQueryDto } from './dto/list-generations-query.dto.js';
import { GeneratedPosesService } from './generated-poses.service.js';
import { GenerationProgressStream } from './generation-progress-stream.js';
import { GenerationsService } from './generations.service.js';

const generationId = new ResourceIdPipe('Generation');
const batchBody = ApiBody({
  type: CreateGenerationDto,
  examples: { 'by category': { summary: '6 poses over two categories', value: CREATE_GENERATION_EXAMPLE } },
});

@ApiTags('generations')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/generations')
export class GenerationsController {
  constructor(
    private readonly generations: GenerationsService,
    private readonly poses: GeneratedPosesService,
    private readonly progress: GenerationProgressStream,
  ) {}

  /**
   * Starts a batch: answers 202 with the generation `pending` and its slots created. Send an
   * `Idempotency-Key` to make retries safe: the first answer is replayed for 24 hours.
   */
  @Post()
  @HttpCode(202)
  @Idempotent()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first answer for 24 hours.' })
  @ApiAcceptedResponse({ type: GenerationDto })
  @ApiProblems(402, 404, 409, 422, 429)
  @batchBody
  createGeneration(@CurrentAuth() auth: AuthContext, @Body() body: CreateGenerationDto): Promise<GenerationDto> {
    return this.generations.create(auth.userId, body);
  }

  /** What the same body would create: slots, credits and an estimated duration. Creates nothing. */
  @Post('quote')
  @HttpCode(200)
  @ApiProblems(404, 422)
  @batchBody
  quoteGeneration(@CurrentAuth() auth: AuthContext, @Body() body: CreateGenerationDto): Promise<GenerationQuoteDto> {
    return this.generations.quote(auth.userId, body);
  }

  /** Your generations, newest first, optionally by status or project. */
  @Get()
  listGenerations(
    @CurrentAuth() auth: AuthContext,
    @Query() query: ListGenerationsQueryDto,
  ): Promise<GenerationListDto> {
    const { limit, cursor, ...filters } = query;
    return this.generations.list(auth.userId, filters, limit, cursor);
  }

  /** One generation with its progress counters and status. */
  @Get(':id')
  @ApiProblems(404)
  getGeneration(@CurrentAuth() auth: AuthContext, @Param('id', generationId) id: string): Promise<GenerationDto> {
    return this.generations.get(auth.userId, id);
  }

  /** The generation's pose slots in slot order, with signed image URLs once they succeed. */
  @Get(':id/poses')
  @ApiProblems(404)
  async listGenerationPoses(
    @CurrentAuth() auth: AuthContext,
    @Param('id', generationId) id: string,
    @Query() query: ListGenerationPosesQueryDto,
    @RequestOrigin() origin: string,
  ): Promise<GeneratedPoseListDto> {
    await this.generations.requireOwned(auth.userId, id);
    return this.poses.list(auth.userId, id, query, origin);
  }

  /**
   * Server-Sent Events: `progress`, `pose.succeeded`, `pose.failed`, then `completed`, after
   * which the stream ends. The first event is the current progress.
   */
  @Get(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An SSE stream of progress events.', schema: { type: 'string' } })
  @ApiProblems(404)
  async streamGenerationEvents(
    @CurrentAuth() auth: AuthContext,
    @Param('id', generationId) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.generations.requireOwned(auth.userId, id);
    sendEventStream(reply, this.progress.stream(auth.userId, id));
  }

  /** Pending slots become canceled; slots already running finish. */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiProblems(404, 409)
  cancelGeneration(@CurrentAuth() auth: AuthContext, @Param('id', generationId) id: string): Promise<GenerationDto> {
    return this.generations.cancel(auth.userId, id);
  }

  /** Runs the failed slots of a partial or failed generation again. */
  @Post(':id/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: GenerationDto })
  @ApiProblems(404, 409)
  retryGeneration(@CurrentAuth() auth: AuthContext, @Param('id', generationId) id: string): Promise<GenerationDto> {
    return this.generations.retry(auth.userId, id);
  }

  /** A ZIP of every succeeded image, streamed. */
  @Get(':id/archive')
  @Header('content-type', 'application/zip')
  @ApiProduces('application/zip')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiProblems(404)
  async getGenerationArchive(
    @CurrentAuth() auth: AuthContext,
    @Param('id', generationId) id: string,
  ): Promise<StreamableFile> {
    return new StreamableFile(await this.poses.archive(auth.userId, id), {
      type: 'application/zip',
      disposition: `attachment; filename="generation-${id}.zip"`,
    });
  }
}
