import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { EMAIL_SETTINGS, EmailSetting } from './email-settings';

const DESCRIPTIONS: Record<EmailSetting, string> = {
  email_assigned: 'Email me when I am assigned a task',
  email_mentioned: 'Email me when someone mentions me (`@username`) in a comment',
  email_commented: 'Email me about comments on tasks I created or am assigned',
  email_due_soon: 'Email me the due-date reminder of tasks I created or am assigned',
};

export class NotificationSettingsResponseDto {
  @ApiProperty({ description: DESCRIPTIONS.email_assigned, example: true })
  email_assigned!: boolean;

  @ApiProperty({ description: DESCRIPTIONS.email_mentioned, example: true })
  email_mentioned!: boolean;

  @ApiProperty({ description: DESCRIPTIONS.email_commented, example: false })
  email_commented!: boolean;

  @ApiProperty({ description: DESCRIPTIONS.email_due_soon, example: true })
  email_due_soon!: boolean;
}

/** `PATCH`: any subset of the switches, at least one; booleans only (null is 400). */
export class UpdateNotificationSettingsDto {
  @ApiPropertyOptional({ description: DESCRIPTIONS.email_assigned, example: false })
  @ValidateIf((_o, value) => value !== undefined)
  @IsBoolean()
  email_assigned?: boolean;

  @ApiPropertyOptional({ description: DESCRIPTIONS.email_mentioned })
  @ValidateIf((_o, value) => value !== undefined)
  @IsBoolean()
  email_mentioned?: boolean;

  @ApiPropertyOptional({ description: DESCRIPTIONS.email_commented })
  @ValidateIf((_o, value) => value !== undefined)
  @IsBoolean()
  email_commented?: boolean;

  @ApiPropertyOptional({ description: DESCRIPTIONS.email_due_soon })
  @ValidateIf((_o, value) => value !== undefined)
  @IsBoolean()
  email_due_soon?: boolean;
}

export class UnsubscribeQuery {
  @ApiProperty({
    description: "The signed token of the email's `List-Unsubscribe` link",
    example: '42.assigned.Jk3v9Qx2…',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token!: string;
}

export class UnsubscribeResponseDto {
  @ApiProperty({
    enum: EMAIL_SETTINGS,
    enumName: 'EmailSetting',
    description: 'The switch the link turned off',
    example: 'email_assigned',
  })
  setting!: EmailSetting;

  @ApiProperty({ description: 'Always false: the switch is now off', example: false })
  enabled!: false;
}
