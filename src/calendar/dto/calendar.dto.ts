import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { toInt, trim } from '../../common/validators.js';

export class CalendarQueryDto {
  @ApiProperty() @Transform(toInt) @IsInt() @Min(2000) @Max(2200)
  year: number;
}

export class CalendarDayDto {
  @ApiProperty({ enum: ['off', 'work'], description: 'off: ngày nghỉ; work: ngày làm bù' }) @IsIn(['off', 'work'])
  kind: 'off' | 'work';

  @ApiProperty() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;
}
