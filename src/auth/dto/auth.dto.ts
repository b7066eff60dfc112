import { ApiProperty } from '@nestjs/swagger';
import { trimString } from '../../common/validators';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { PLATFORM_ROLES, type PlatformRole } from '../user.entity';

const normalizeEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

class EmailField {
  @ApiProperty({ example: 'ada@example.gov' })
  @Transform(normalizeEmail)
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;
}

export class RegisterDto extends EmailField {
  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @Transform(trimString)
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(120)
  name: string;
}

export class SignInDto extends EmailField {
  @ApiProperty()
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class TokenDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty({ message: 'is required' })
  @MaxLength(200)
  token: string;
}

export class PasswordResetRequestDto extends EmailField {}

export class PasswordResetConfirmDto extends TokenDto {
  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class SetRolesDto {
  @ApiProperty({ enum: PLATFORM_ROLES, isArray: true, example: ['solver', 'manager'] })
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(PLATFORM_ROLES.length)
  @IsIn(PLATFORM_ROLES, { each: true, message: `each role must be one of ${PLATFORM_ROLES.join(', ')}` })
  roles: PlatformRole[];
}
