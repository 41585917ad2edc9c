import type { RequestOptions } from '../core.js';
import type { QueryOf, ResultOf } from '../types.js';
import { Resource } from './resource.js';

export class Metrics extends Resource {
  /** Generation figures per period, optionally for one brand kit or design type. */
  list(query: QueryOf<'listMetrics'> = {}, options?: RequestOptions) {
    return this.call<ResultOf<'listMetrics'>>({ method: 'GET', path: '/v1/metrics', query }, options);
  }

  /** Totals over a time range. */
  summary(query: QueryOf<'getMetricsSummary'> = {}, options?: RequestOptions) {
    return this.call<ResultOf<'getMetricsSummary'>>({ method: 'GET', path: '/v1/metrics/summary', query }, options);
  }
}
