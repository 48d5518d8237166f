import { Body, Controller, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user.js';
import { CurrentUser, Roles } from '../common/decorators.js';
import { badRequest } from '../common/errors.js';
import { TicketImportService } from './ticket-import.service.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets')
export class TicketImportController {
  constructor(private readonly importer: TicketImportService) {}

  /** A UTF-8 CSV, sent either as the raw body (Content-Type: text/csv) or as the multipart field "file". */
  @Post('import')
  @Roles('admin')
  @ApiConsumes('text/csv', 'multipart/form-data')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 20 * 1024 * 1024 } }))
  import(@CurrentUser() user: AuthUser, @UploadedFile() file: { buffer: Buffer } | undefined, @Body() body: unknown) {
    const csv = file ? file.buffer.toString('utf8') : typeof body === 'string' ? body : undefined;
    if (csv === undefined) {
      throw badRequest([{ field: 'file', reason: 'gửi tệp CSV (UTF-8) làm nội dung yêu cầu với Content-Type: text/csv, hoặc trong trường "file" của multipart/form-data' }]);
    }
    return this.importer.import(user, csv);
  }
}
