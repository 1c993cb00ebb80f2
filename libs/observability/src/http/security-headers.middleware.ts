import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';

/**
 * Headers every answer carries unless its handler says otherwise: no MIME sniffing (an
 * error echoing input can never be read as HTML), never framed, no referrer, and nothing
 * stored by a browser or proxy (admin answers and partner statuses are not for caches;
 * the JWKS and OpenAPI handlers set their own Cache-Control, which wins). Hand-written
 * rather than helmet: four fixed headers, and helmet's CSP would fight the dashboard's own.
 */
@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  use(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    next();
  }
}
