import { ApiProperty, ApiPropertyOptional, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsTimestamp, IsTimeZone, trimString } from '../../common/validators';
import { CHALLENGE_STATUSES } from '../challenge-status';
import { FIELD_TYPES, UPLOAD_TYPES, type FieldType, type Visibility } from '../challenge.entity';

/** Keys name answers and scores in JSON bodies, so the names of an object's own machinery are not keys. */
const KEY = /^(?!(constructor|prototype)$)[a-z][a-z0-9_]{0,39}$/;
const KEY_MESSAGE = 'must start with a lower-case letter and use only a-z, 0-9 and _ (at most 40), and not be "constructor" or "prototype"';
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export class MoneyDto {
  @ApiProperty({ example: '25000.00', description: 'A decimal string, never a float' })
  @IsString({ message: 'must be a decimal string such as "25000.00"' })
  @Matches(/^\d{1,12}(\.\d{1,2})?$/, { message: 'must be a decimal string such as "25000.00"' })
  amount: string;

  @ApiProperty({ example: 'USD' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be a three-letter ISO 4217 code such as USD' })
  currency: string;
}

export class RubricCriterionDto {
  @ApiProperty({ example: 'impact' })
  @IsString()
  @Matches(KEY, { message: KEY_MESSAGE })
  key: string;

  @ApiProperty({ example: 'Impact' })
  @Transform(trimString)
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: 'How much the idea would change outcomes for the public.' })
  @Transform(trimString)
  @IsString()
  @MaxLength(2000)
  description: string;

  @ApiProperty({ example: 2, exclusiveMinimum: true, minimum: 0 })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 }, { message: 'must be a number' })
  @Min(0.0001, { message: 'must be greater than 0' })
  @Max(1000)
  weight: number;

  @ApiProperty({ example: 10, minimum: 1, maximum: 100 })
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(100)
  maxScore: number;
}

export class FormFieldDto {
  @ApiProperty({ example: 'summary' })
  @IsString()
  @Matches(KEY, { message: KEY_MESSAGE })
  key: string;

  @ApiProperty({ example: 'Summary of your solution' })
  @Transform(trimString)
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(200)
  label: string;

  @ApiProperty({ enum: FIELD_TYPES })
  @IsIn(FIELD_TYPES, { message: `must be one of ${FIELD_TYPES.join(', ')}` })
  type: FieldType;

  @ApiProperty()
  @IsBoolean()
  required: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(1000)
  helpText?: string;

  @ApiPropertyOptional({ description: 'text and textarea only', minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  maxLength?: number;

  @ApiPropertyOptional({ description: 'select only', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  options?: string[];

  @ApiPropertyOptional({ description: 'file only: accepted content types', enum: UPLOAD_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(UPLOAD_TYPES.length)
  @IsIn(UPLOAD_TYPES, { each: true, message: `each type must be one of ${UPLOAD_TYPES.join(', ')}` })
  accept?: string[];

  @ApiPropertyOptional({ description: 'file only: largest accepted file in bytes', maximum: 50 * 1024 * 1024 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50 * 1024 * 1024)
  maxBytes?: number;

  @ApiPropertyOptional({ description: 'answers name the solver and are hidden from judges (email fields always are)', default: false })
  @IsOptional()
  @IsBoolean()
  identifying?: boolean;
}

/** One phase of a challenge, as managers define it; its facts mirror the challenge's one-phase properties. */
export class PhaseInputDto {
  @ApiPropertyOptional({ example: 'Concept papers' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: '2026-07-01T16:00:00Z' })
  @IsOptional()
  @IsTimestamp()
  opensAt?: string;

  @ApiPropertyOptional({ example: '2026-09-30T21:00:00Z' })
  @IsOptional()
  @IsTimestamp()
  closesAt?: string;

  @ApiPropertyOptional({ example: '2026-10-31T21:00:00Z', nullable: true })
  @IsOptional()
  @IsTimestamp()
  judgingEndsAt?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 3 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  judgesPerSubmission?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'How many entries advance to the next phase from the ranking; not for the last phase' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  advanceCount?: number;

  @ApiPropertyOptional({ type: [RubricCriterionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RubricCriterionDto)
  rubric?: RubricCriterionDto[];

  @ApiPropertyOptional({ type: [FormFieldDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => FormFieldDto)
  fields?: FormFieldDto[];
}

/** PATCH /challenges/{id}/phases/{number}: any of a phase's facts. */
export class UpdatePhaseDto extends PhaseInputDto {}

/** Every challenge property (timeline, rubric and form: the current phase's); all optional, because a draft may be saved incomplete (publish checks completeness). */
export class ChallengeInputDto extends PickType(PhaseInputDto, ['opensAt', 'closesAt', 'judgingEndsAt', 'judgesPerSubmission', 'rubric', 'fields'] as const) {
  @ApiPropertyOptional({ example: 'Clean Water Sensor Challenge' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(300)
  tagline?: string;

  @ApiPropertyOptional({ description: 'Markdown; raw HTML is shown as text' })
  @IsOptional()
  @IsString()
  @MaxLength(50_000)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(200)
  agency?: string;

  @ApiPropertyOptional({ description: 'Markdown' })
  @IsOptional()
  @IsString()
  @MaxLength(50_000)
  rules?: string;

  @ApiPropertyOptional({ description: 'Markdown' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  eligibility?: string;

  @ApiPropertyOptional({ description: 'Markdown: questions and answers for solvers' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  faq?: string;

  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  prizeTotal?: MoneyDto;

  @ApiPropertyOptional({ example: 'America/New_York', default: 'UTC' })
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ minimum: 3, maximum: 5, default: 3 })
  @IsOptional()
  @IsInt()
  @Min(3)
  @Max(5)
  winnersCount?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  blindJudging?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxSubmissionsPerSolver?: number;

  @ApiPropertyOptional({ enum: ['public', 'internal'], default: 'public' })
  @IsOptional()
  @IsIn(['public', 'internal'], { message: 'must be public or internal' })
  visibility?: Visibility;

  @ApiPropertyOptional({ type: [String], example: ['agency.gov'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Transform(({ value }) => (Array.isArray(value) ? value.map((d) => (typeof d === 'string' ? d.trim().toLowerCase() : d)) : value))
  @Matches(DOMAIN, { each: true, message: 'each entry must be a domain such as agency.gov' })
  allowedEmailDomains?: string[];

  @ApiPropertyOptional({
    type: [PhaseInputDto],
    description: 'The phases in order; without it, the top-level timeline, rubric, fields and judgesPerSubmission define the current phase',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one phase' })
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PhaseInputDto)
  phases?: PhaseInputDto[];
}

/** Creating needs a title; OmitType drops the optional one so its @IsOptional is not inherited. */
export class CreateChallengeDto extends OmitType(ChallengeInputDto, ['title'] as const) {
  @ApiProperty({ example: 'Clean Water Sensor Challenge' })
  @Transform(trimString)
  @MaxLength(200)
  @IsString({ message: 'is required' })
  @IsNotEmpty({ message: 'is required' })
  title: string;
}

export class UpdateChallengeDto extends PartialType(ChallengeInputDto) {}

export class ListChallengesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['upcoming', 'open', 'closed', 'judging', 'announced'] })
  @IsOptional()
  @IsIn(['upcoming', 'open', 'closed', 'judging', 'announced'], { message: 'must be upcoming, open, closed, judging or announced' })
  status?: (typeof CHALLENGE_STATUSES)[number];

  @ApiPropertyOptional({ description: 'words to find in the title, tagline, description or agency' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  agency?: string;

  @ApiPropertyOptional({ enum: ['closing', 'newest', 'prize'], default: 'newest' })
  @IsOptional()
  @IsIn(['closing', 'newest', 'prize'], { message: 'must be closing, newest or prize' })
  sort?: 'closing' | 'newest' | 'prize';
}

export class AddManagerDto {
  @ApiProperty({ example: 'colleague@agency.gov' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;
}

export class CancelChallengeDto {
  @ApiPropertyOptional({ description: 'Shown on the challenge page' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

/** `?phase=N` on judging routes: a phase number, the current phase when absent. */
export class PhaseQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'Phase number; the current phase when absent' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a phase number' })
  @Min(1, { message: 'must be a phase number' })
  @Max(10, { message: 'must be a phase number' })
  phase?: number;
}
