import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { trimString } from '../../common/validators';
import { Transform } from 'class-transformer';
import { PhaseQuery } from '../../challenges/dto/challenge.dto';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../auth/dto/auth.dto';


export class InviteJudgeDto {
  @ApiProperty({ example: 'judge@university.example' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString()
  @Matches(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ example: 'Dr. Rivera' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(120)
  name?: string;
}

export class AcceptInvitationDto {
  @ApiPropertyOptional({ description: 'With password: create the invited account now (without a bearer token)' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN })
  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  @MaxLength(PASSWORD_MAX)
  password?: string;
}

class ReasonDto {
  @ApiProperty({ example: 'I advised this team last year.' })
  @Transform(trimString)
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(1000)
  reason: string;
}

export class ConflictDto extends ReasonDto {
  @ApiProperty()
  @IsUUID('all', { message: 'must be an entry id' })
  submissionId: string;

  @ApiPropertyOptional({ description: 'Managers only: the judge the conflict is for' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a judge id' })
  judgeId?: string;
}

export class RecuseDto extends ReasonDto {}
export class ReopenDto extends ReasonDto {}

export class ReassignDto {
  @ApiProperty()
  @IsUUID('all', { message: 'must be a judge id' })
  judgeId: string;
}

export class ScorecardDto {
  @ApiProperty({ example: { impact: 8, feasibility: 4 }, description: 'criterion key → whole number 0..maxScore' })
  @IsObject()
  scores: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Sent to the solver (required when final)' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  feedback?: string;

  @ApiPropertyOptional({ description: 'Stays with the panel; never sent to the solver' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  note?: string;

  @ApiProperty({ description: 'true locks the scorecard' })
  @IsBoolean()
  final: boolean;
}

export class RankingQuery extends PhaseQuery {
  @ApiPropertyOptional({ enum: ['none', 'zscore'], default: 'none' })
  @IsOptional()
  @IsIn(['none', 'zscore'], { message: 'must be none or zscore' })
  normalize?: 'none' | 'zscore';

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'must be json or csv' })
  format?: 'json' | 'csv';
}

export class QueueQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'must be a challenge id' })
  challengeId?: string;
}

/** POST /challenges/{id}/phases/{number}/advance: named entries, or the top `advanceCount` of the ranking. */
export class AdvanceDto {
  @ApiPropertyOptional({ type: [String], description: 'The entries that advance' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true, message: 'each must be an entry id' })
  submissionIds?: string[];

  @ApiPropertyOptional({ description: 'Advance the top advanceCount entries of the ranking' })
  @IsOptional()
  @IsBoolean()
  fromRanking?: boolean;

  @ApiPropertyOptional({ description: 'Advance although some assignments lack a final scorecard (needs a reason; audited)' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
