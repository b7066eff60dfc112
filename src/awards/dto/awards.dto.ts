import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { trimString } from '../../common/validators';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MoneyDto } from '../../challenges/dto/challenge.dto';


export class AwardInputDto {
  @ApiProperty()
  @IsUUID('all', { message: 'must be an entry id' })
  submissionId: string;

  @ApiProperty({ minimum: 1, description: '1..winnersCount for winners; honorable mentions count on after that' })
  @IsInt()
  @Min(1)
  @Max(100)
  place: number;

  @ApiPropertyOptional({ enum: ['winner', 'honorable-mention'], default: 'winner' })
  @IsOptional()
  @IsIn(['winner', 'honorable-mention'], { message: 'must be winner or honorable-mention' })
  kind?: 'winner' | 'honorable-mention';

  @ApiPropertyOptional({ example: 'First prize' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(120)
  title?: string;

  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  prize?: MoneyDto;

  @ApiPropertyOptional({ example: 'For a sensor any town can afford.' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(2000)
  citation?: string;
}

/** `{ awards: [...] }` chosen by hand, or `{ fromRanking: true }` for the top winnersCount of the ranking. */
export class SelectAwardsDto {
  @ApiPropertyOptional({ type: [AwardInputDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AwardInputDto)
  awards?: AwardInputDto[];

  @ApiPropertyOptional({ description: 'Take the top winnersCount of the (raw) ranking' })
  @IsOptional()
  @IsBoolean()
  fromRanking?: boolean;

  @ApiPropertyOptional({ description: 'Required when the winners depart from the ranking; kept in the audit log' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(4000)
  justification?: string;

  @ApiPropertyOptional({ description: 'Allow prizes that add up to more than the challenge\'s prize total' })
  @IsOptional()
  @IsBoolean()
  allowOverTotal?: boolean;
}
