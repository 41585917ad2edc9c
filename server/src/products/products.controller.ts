import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentAuth, type AuthContext } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { withSpooledImageUpload } from '../media/image-upload.js';
import { RequestOrigin } from '../media/request-origin.decorator.js';
import { ProductsService } from './products.service.js';
import { ProductDto, ProductListDto } from './dto/product.dto.js';
import { CreateProductDto, CreateProductUploadDto } from './dto/create-product.dto.js';
import { ListProductsQueryDto } from './dto/list-products-query.dto.js';
import { UpdateProductDto } from './dto/update-product.dto.js';

const productId = new ResourceIdPipe('Product');

@ApiTags('products')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  /**
   * Uploads a product photo, checked and re-encoded like an avatar's, then cut out of its background
   * (unless `removeBackground` is "false") into a PNG with transparency; `dominantColor` is the product's.
   */
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: CreateProductUploadDto })
  @ApiProblems(404, 413, 415, 422)
  async createProduct(
    @CurrentAuth() auth: AuthContext,
    @Req() request: FastifyRequest,
    @RequestOrigin() origin: string,
  ): Promise<ProductDto> {
    return withSpooledImageUpload(request, this.products.maxUploadBytes, CreateProductDto, (file, fields) =>
      this.products.create(auth.userId, fields, file, origin),
    );
  }

  /** Your products, newest first, optionally of one brand kit. */
  @Get()
  listProducts(
    @CurrentAuth() auth: AuthContext,
    @Query() query: ListProductsQueryDto,
    @RequestOrigin() origin: string,
  ): Promise<ProductListDto> {
    return this.products.list(auth.userId, query, origin);
  }

  /** One product, with fresh signed URLs of its images. */
  @Get(':id')
  @ApiProblems(404)
  getProduct(
    @CurrentAuth() auth: AuthContext,
    @Param('id', productId) id: string,
    @RequestOrigin() origin: string,
  ): Promise<ProductDto> {
    return this.products.get(auth.userId, id, origin);
  }

  /** Changes the given fields only. */
  @Patch(':id')
  @ApiProblems(404)
  updateProduct(
    @CurrentAuth() auth: AuthContext,
    @Param('id', productId) id: string,
    @Body() body: UpdateProductDto,
    @RequestOrigin() origin: string,
  ): Promise<ProductDto> {
    return this.products.update(auth.userId, id, body, origin);
  }

  /** Deletes the product and its files; 409 while generations still use it. */
  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(404, 409)
  deleteProduct(@CurrentAuth() auth: AuthContext, @Param('id', productId) id: string): Promise<void> {
    return this.products.delete(auth.userId, id);
  }
}
