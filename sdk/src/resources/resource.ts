import { send, sendJson, type ApiRequest, type ClientSettings, type RequestOptions } from '../core.js';
import { PagePromise, type PageBody } from '../pagination.js';

/** What every resource shares: one JSON call, one paginated list, one binary download. */
export abstract class Resource {
  constructor(protected readonly settings: ClientSettings) {}

  protected call<T>(request: ApiRequest, options?: RequestOptions): Promise<T> {
    return sendJson<T>(this.settings, request, options);
  }

  protected paginate<T>(
    path: ApiRequest['path'],
    request: Pick<ApiRequest, 'pathParams' | 'query'>,
    options?: RequestOptions,
  ): PagePromise<T> {
    return new PagePromise<T>(
      (cursor, pageOptions) =>
        this.call<PageBody<T>>(
          { method: 'GET', path, pathParams: request.pathParams, query: { ...request.query, cursor } },
          pageOptions,
        ),
      options,
    );
  }

  protected async download(request: ApiRequest, options?: RequestOptions): Promise<Blob> {
    return (await send(this.settings, { ...request, accept: '*/*' }, options)).blob();
  }
}
