import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document of the service (also exported to openapi.json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Task service API')
    .setDescription(
      [
        'Task management backend. JSON in and out, snake_case fields, RFC 3339 UTC timestamps.',
        'Every response carries `X-Request-Id`; every error is `{"error", "code", "request_id", "details"?}`.',
        'Protected routes take `Authorization: Bearer <token>` (an HS256 JWT from `/api/v1/auth/login`).',
      ].join('\n\n'),
    )
    .setVersion('1.0.0')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    // Every operation needs the token unless it says `security: []` (see @Public()).
    .addSecurityRequirements('bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at `/docs`, the document at `/docs-json`. */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
