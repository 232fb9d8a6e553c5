import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ByteLength } from '../../common/validators/byte-length.validator';
import {
  IsAcceptablePassword,
  IsEmailAddress,
  IsWellFormedText,
} from '../../common/validators/text.validator';
import { UserResponseDto } from '../../users/dto/user-response.dto';

const trimLower = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class RegisterDto {
  @ApiProperty({ example: 'alice', pattern: '^[A-Za-z0-9_-]{3,20}$' })
  @IsString()
  @IsWellFormedText()
  @Matches(/^[A-Za-z0-9_-]{3,20}$/, {
    message: 'username must be 3-20 letters, digits, _ or -',
  })
  username!: string;

  @ApiProperty({ example: 'alice@example.com', maxLength: 254, description: 'Stored lower-cased' })
  @Transform(trimLower)
  @IsString()
  @MaxLength(254)
  @IsEmailAddress()
  email!: string;

  @ApiProperty({
    example: 'password123',
    description: '8 to 72 bytes (UTF-8); no control characters (NUL included) or lone surrogates',
    minLength: 8,
    maxLength: 72,
  })
  @IsString()
  @ByteLength(8, 72)
  @IsAcceptablePassword()
  password!: string;
}

export class LoginDto {
  @ApiProperty({ example: 'alice@example.com' })
  @Transform(trimLower)
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'password123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({
    description: 'The opaque refresh token from the last session',
    example: 'kq3V2x…',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  refresh_token!: string;
}

export class RegisterResponseDto {
  @ApiProperty({ example: 'User registered successfully' })
  message!: string;

  @ApiProperty({ type: UserResponseDto })
  user!: UserResponseDto;
}

export class SessionResponseDto {
  @ApiProperty({ description: 'Access token: an HS256 JWT', example: 'eyJhbGciOiJIUzI1NiIs…' })
  token!: string;

  @ApiProperty({ description: 'Opaque, single-use refresh token', example: 'kq3V2x…' })
  refresh_token!: string;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ description: 'Lifetime of `token` in seconds', type: 'integer', example: 900 })
  expires_in!: number;

  @ApiProperty({ type: UserResponseDto })
  user!: UserResponseDto;
}
