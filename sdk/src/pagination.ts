import type { RequestOptions } from './core.js';

export interface PageBody<T> {
  data: T[];
  nextCursor: string | null;
}

export type PageFetcher<T> = (cursor: string | undefined, options?: RequestOptions) => Promise<PageBody<T>>;

/** One page of a list, with the way to the next. */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly nextCursor: string | null;

  constructor(
    body: PageBody<T>,
    private readonly fetchPage: PageFetcher<T>,
    private readonly options?: RequestOptions,
  ) {
    this.data = body.data;
    this.nextCursor = body.nextCursor;
  }

  hasNextPage(): boolean {
    return this.nextCursor !== null;
  }

  async getNextPage(): Promise<Page<T>> {
    if (this.nextCursor === null) throw new Error('No next page: check hasNextPage() first.');
    return new Page(await this.fetchPage(this.nextCursor, this.options), this.fetchPage, this.options);
  }

  /** Every item from this page on, fetching further pages as the loop reaches them. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return itemsFrom(this);
  }
}

/** Every item from `first` on, fetching each next page as the loop reaches it. */
async function* itemsFrom<T>(first: Page<T>): AsyncGenerator<T> {
  for (let page = first; ; page = await page.getNextPage()) {
    yield* page.data;
    if (!page.hasNextPage()) return;
  }
}

/**
 * What `list()` returns: await it for the first page, or `for await` over it for every item.
 * The first page is fetched once, on first use.
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private firstPage: Promise<Page<T>> | undefined;

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    private readonly options?: RequestOptions,
  ) {}

  private load(): Promise<Page<T>> {
    this.firstPage ??= this.fetchPage(undefined, this.options).then(
      (body) => new Page(body, this.fetchPage, this.options),
    );
    return this.firstPage;
  }

  then<R1 = Page<T>, R2 = never>(
    onFulfilled?: ((page: Page<T>) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.load().then(onFulfilled, onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.load();
  }

  /** Collects every item of every page; mind the size of what you ask for. */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}
