import { parentPort, type Transferable, type Worker } from 'node:worker_threads';
import { startWorker } from './start-worker.js';

/** What a pool thread's handler answers: the reply, and the buffers to move (not copy) back with it. */
export interface WorkerAnswer<Reply> {
  reply: Reply;
  transfer?: Transferable[];
}

type TaskMessage<Request> = { id: number; request: Request };
type ReplyMessage<Reply> = { id: number; reply: Reply } | { id: number; error: string };

interface Task<Request, Reply> {
  id: number;
  request: Request;
  transfer: Transferable[];
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

interface PoolThread<Request, Reply> {
  worker: Worker;
  running: Task<Request, Reply> | undefined;
}

/**
 * A fixed number of worker threads running one module (see serveWorkerTasks), each doing one task at a
 * time; tasks beyond that wait in arrival order. Threads start on first need, are unreferenced while idle
 * (an idle pool never keeps the process alive), and one that dies fails only its own task and is replaced
 * on the next one.
 */
export class WorkerPool<Request, Reply> {
  private readonly threads: PoolThread<Request, Reply>[] = [];
  private readonly waiting: Task<Request, Reply>[] = [];
  private nextId = 1;
  private closed = false;

  /** `builtModule`: the worker's .js URL beside the caller (see startWorker for sources under Jest). */
  constructor(
    private readonly builtModule: URL,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a worker pool needs at least 1 thread, not ${size}`);
  }

  run(request: Request, transfer: Transferable[] = []): Promise<Reply> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, request, transfer, resolve, reject });
      this.dispatch();
    });
  }

  /** Fails waiting and running tasks and stops every thread. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('the worker pool was shut down');
    for (const task of this.waiting.splice(0)) task.reject(error);
    const threads = this.threads.splice(0);
    for (const thread of threads) thread.running?.reject(error);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const thread = this.threads.find((candidate) => !candidate.running) ?? this.startThread();
      if (!thread) return;
      const task = this.waiting.shift()!;
      thread.running = task;
      thread.worker.ref();
      thread.worker.postMessage({ id: task.id, request: task.request } satisfies TaskMessage<Request>, task.transfer);
    }
  }

  private startThread(): PoolThread<Request, Reply> | undefined {
    if (this.threads.length >= this.size) return undefined;
    const thread: PoolThread<Request, Reply> = { worker: startWorker(this.builtModule), running: undefined };
    thread.worker.on('message', (message: ReplyMessage<Reply>) => this.finish(thread, message));
    thread.worker.on('error', (error: Error) => this.lose(thread, error));
    thread.worker.on('exit', (code) => this.lose(thread, new Error(`a worker thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  private finish(thread: PoolThread<Request, Reply>, message: ReplyMessage<Reply>): void {
    const task = thread.running;
    if (!task || task.id !== message.id) return;
    thread.running = undefined;
    thread.worker.unref();
    if ('error' in message) task.reject(new Error(message.error));
    else task.resolve(message.reply);
    this.dispatch();
  }

  private lose(thread: PoolThread<Request, Reply>, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index === -1) return;
    this.threads.splice(index, 1);
    thread.running?.reject(error);
    thread.running = undefined;
    if (!this.closed) this.dispatch();
  }
}

/** The worker side of a WorkerPool: answers each task with `handler`, errors as messages. */
export function serveWorkerTasks<Request, Reply>(
  handler: (request: Request) => WorkerAnswer<Reply> | Promise<WorkerAnswer<Reply>>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorkerTasks runs only inside a worker thread');
  const answer = async ({ id, request }: TaskMessage<Request>): Promise<void> => {
    try {
      const { reply, transfer } = await handler(request);
      port.postMessage({ id, reply } satisfies ReplyMessage<Reply>, transfer ?? []);
    } catch (error) {
      port.postMessage({
        id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ReplyMessage<Reply>);
    }
  };
  port.on('message', (message: TaskMessage<Request>) => void answer(message));
}
