import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ByteLength } from '../../common/validators/byte-length.validator';
import { IsAcceptablePassword } from '../../common/validators/text.validator';

export class ChangePasswordDto {
  @ApiProperty({ description: 'The password in use now', example: 'password123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  current_password!: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    description:
      'As at registration: 8 to 72 bytes (UTF-8); no control characters (NUL included) or lone ' +
      'surrogates',
    minLength: 8,
    maxLength: 72,
  })
  @IsString()
  @ByteLength(8, 72)
  @IsAcceptablePassword()
  new_password!: string;
}
