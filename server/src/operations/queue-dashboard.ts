import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../auth/auth.guard.js';
import { renderProblem } from '../common/errors/problem-mapping.js';
import { ProblemCode, ProblemException } from '../common/errors/problem.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { BullQueueDriver } from '../infra/queue/bull-queue.js';
import type { QueueDriver } from '../infra/queue/job-queue.js';
import { QUEUE_DRIVER } from '../infra/queue/queue.module.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The admin token, as a bearer token (scripts) or as the password of HTTP Basic (a browser asks for it once
 * and sends it with every request the dashboard page makes, which a bearer header could not do).
 */
function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/**
 * Bull's queues in a browser (bull-board) at /admin/queues, for operators: job counts, failed jobs and
 * their errors, retry and clean. Served by the API process when Redis is configured, behind ADMIN_TOKEN;
 * answers 401 problem+json without it, 404 when ADMIN_TOKEN or REDIS_URL is unset.
 */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  private readonly logger = new Logger(QueueDashboard.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const adminToken = this.config.adminToken;
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // Worker processes have no HTTP server; the embedded queue has nothing for bull-board to show.
    if (!fastify || !adminToken || this.driver.kind !== 'bull') return;
    // bull-board is loaded only here, so a server without Redis never loads it.
    const [{ createBullBoard }, { BullAdapter }, { FastifyAdapter: BullBoardFastifyAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullAdapter'),
      import('@bull-board/fastify'),
    ]);
    const board = new BullBoardFastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: (this.driver as BullQueueDriver).bullQueues().map((queue) => new BullAdapter(queue)),
      serverAdapter: board,
    });
    await fastify.register(async (scope) => {
      scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        const token = presentedToken(request);
        if (token && sameSecret(token, adminToken)) return;
        const problem = renderProblem(
          new ProblemException(401, ProblemCode.Unauthorized, 'The queue dashboard needs the ADMIN_TOKEN.'),
          request,
        );
        await reply
          .code(401)
          .header('www-authenticate', 'Basic realm="Lumiku queues", charset="UTF-8"')
          .type('application/problem+json')
          .send(problem.body);
      });
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
    this.logger.log(`Queue dashboard at ${QUEUE_DASHBOARD_PATH} (ADMIN_TOKEN)`);
  }
}
