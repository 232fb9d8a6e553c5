import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ByteLength } from '../../common/validators/byte-length.validator';
import { IsAcceptablePassword, IsEmailAddress } from '../../common/validators/text.validator';

const trimLower = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class ForgotPasswordDto {
  @ApiProperty({ example: 'alice@example.com', maxLength: 254 })
  @Transform(trimLower)
  @IsString()
  @MaxLength(254)
  @IsEmailAddress()
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({
    description: 'The token from the reset link (`/reset-password?token=…`)',
    example: 'Jk3v9Qx2…',
    maxLength: 128,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  token!: string;

  @ApiProperty({
    example: 'new-password-123',
    description: '8 to 72 bytes (UTF-8); no control characters (NUL included) or lone surrogates',
    minLength: 8,
    maxLength: 72,
  })
  @IsString()
  @ByteLength(8, 72)
  @IsAcceptablePassword()
  new_password!: string;
}

export class ForgotPasswordResponseDto {
  @ApiProperty({
    example: 'If an account uses this email, a reset link is on its way',
  })
  message!: string;
}
