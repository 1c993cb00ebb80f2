import { type ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DASHBOARD_CSS } from './page/dashboard-style';
import { DASHBOARD_HTML } from './page/dashboard-html';
import { DASHBOARD_JS } from './page/dashboard-script';

/**
 * Only this origin's own script and style; data only from this origin's API; never framed,
 * no forms posted anywhere, no inline script or style (so an injected string cannot run).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The operator dashboard page (W7): static HTML, script and style compiled into the app.
 * Served without authentication on purpose: the page holds no data and grants nothing;
 * every figure comes from /admin/dashboard.json with the operator's bearer token, which the
 * page asks for and keeps in the tab's sessionStorage (never a cookie, so no CSRF).
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardPageController {
  @Get()
  page(@Res() response: ServerResponse): void {
    send(response, 'text/html; charset=utf-8', DASHBOARD_HTML);
  }

  @Get('app.js')
  script(@Res() response: ServerResponse): void {
    send(response, 'text/javascript; charset=utf-8', DASHBOARD_JS);
  }

  @Get('app.css')
  style(@Res() response: ServerResponse): void {
    send(response, 'text/css; charset=utf-8', DASHBOARD_CSS);
  }
}

function send(response: ServerResponse, type: string, body: string): void {
  response.writeHead(200, {
    'Content-Type': type,
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    // Small and compiled in: a new release must show at once, not after a cache expiry.
    'Cache-Control': 'no-cache',
  });
  response.end(body);
}
