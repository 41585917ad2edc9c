import { Injectable } from '@nestjs/common';
import {
  compositeProductOnRender,
  prepareCutout,
  type PreparedCutout,
  type ProductCompositeInput,
  type ProductCompositeResult,
} from './composite-product.js';

/**
 * The product stage as the slot runner calls it. Every slot of a batch composites the same cutout, which
 * the runner's source-image cache hands over as the same Buffer, so the trimmed cutout is prepared once
 * per Buffer and forgotten with it.
 */
@Injectable()
export class ProductStageService {
  private readonly prepared = new WeakMap<Buffer, Promise<PreparedCutout>>();

  composite(input: ProductCompositeInput & { cutout: Buffer }): Promise<ProductCompositeResult> {
    return this.preparedCutout(input.cutout).then((cutout) => compositeProductOnRender({ ...input, cutout }));
  }

  private preparedCutout(cutout: Buffer): Promise<PreparedCutout> {
    let prepared = this.prepared.get(cutout);
    if (!prepared) {
      prepared = prepareCutout(cutout);
      // A failed preparation is not kept, so the next slot tries again.
      prepared.catch(() => this.prepared.delete(cutout));
      this.prepared.set(cutout, prepared);
    }
    return prepared;
  }
}
