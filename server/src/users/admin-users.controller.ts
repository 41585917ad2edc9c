import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth-context.js';
import { ApiProblems } from '../common/errors/api-problems.decorator.js';
import { ResourceIdPipe } from '../common/validation/resource-id.pipe.js';
import { CreateUserDto, UpdateUserDto } from './dto/create-user.dto.js';
import { CreatedUserDto, UserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@AdminOnly()
@ApiProblems(400, 401, 403, 409)
@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  /** Creates a user (tenant) and its first API key. Needs `Authorization: Bearer <ADMIN_TOKEN>`. */
  @Post()
  createUser(@Body() body: CreateUserDto): Promise<CreatedUserDto> {
    return this.users.createWithKey(body);
  }

  /** Changes a user's name or credit quota (null: unlimited). Needs `Authorization: Bearer <ADMIN_TOKEN>`. */
  @Patch(':id')
  @ApiProblems(404)
  updateUser(@Param('id', new ResourceIdPipe('User')) id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.users.update(id, body);
  }
}
