import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { PhaseQuery } from '../../challenges/dto/challenge.dto';
import { PageQuery } from '../../common/pagination';

/** The JSON shape of an entry; multipart requests are mapped to it (answers as fields, files as parts). */
export class SubmissionBodyDto {
  @ApiPropertyOptional({ example: 'Solar-powered turbidity sensor', description: 'Required when creating' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'must be at most 200 characters' })
  title?: string;

  @ApiProperty({ example: { summary: 'A $20 sensor…', category: 'Hardware' }, description: 'fieldKey → value; files go as multipart parts' })
  @IsOptional()
  @IsObject()
  answers?: Record<string, unknown>;

  @ApiPropertyOptional({ default: true, description: 'false saves a draft' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  submit?: boolean;
}

export class IneligibleDto {
  @ApiProperty({ example: 'Submitted by a federal employee, which the rules exclude.' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(1000)
  reason: string;
}

/** `?phase=N` picks the phase of the table (the current one when absent); the CSV has every phase. */
export class EntriesQueryDto extends IntersectionType(PageQuery, PhaseQuery) {
  @ApiPropertyOptional({ enum: ['draft', 'submitted', 'withdrawn', 'ineligible'] })
  @IsOptional()
  @IsIn(['draft', 'submitted', 'withdrawn', 'ineligible'], { message: 'must be draft, submitted, withdrawn or ineligible' })
  status?: 'draft' | 'submitted' | 'withdrawn' | 'ineligible';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'must be json or csv' })
  format?: 'json' | 'csv';
}
