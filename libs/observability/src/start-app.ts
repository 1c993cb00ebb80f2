import {
  type INestApplication,
  type NestApplicationOptions,
  Logger as NestLogger,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

/**
 * Starts one Wissel app: pino as the Nest logger, shutdown hooks so SIGTERM drains
 * in-flight work before the database pool closes, and the HTTP port from PORT. `options`
 * adds the app's own Nest options (the gateway turns the body parsers off).
 */
export async function startApp(
  module: unknown,
  defaultPort: number,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { ...options, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? defaultPort);
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
  new NestLogger('bootstrap').log({ port }, 'listening');
  return app;
}
