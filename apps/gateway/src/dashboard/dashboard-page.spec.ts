import { DASHBOARD_CSP } from './dashboard-page.controller';
import { DASHBOARD_HTML } from './page/dashboard-html';
import { DASHBOARD_JS } from './page/dashboard-script';

describe('the dashboard page', () => {
  it('runs nothing inline: one same-origin script, no handler attributes, no style attributes', () => {
    expect(DASHBOARD_HTML.match(/<script\b[^>]*>/g)).toEqual([
      '<script src="/dashboard/app.js" defer>',
    ]);
    expect(DASHBOARD_HTML).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(DASHBOARD_HTML).not.toMatch(/\son[a-z]+\s*=/i);
    expect(DASHBOARD_HTML).not.toMatch(/\sstyle\s*=|<style\b/i);
    expect(DASHBOARD_HTML).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('allows only its own origin in the Content-Security-Policy', () => {
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('ships a script that parses and never writes server data as HTML', () => {
    // Parsed, not run: a syntax error in the string would otherwise show only in a browser.
    expect(() => new Function(DASHBOARD_JS)).not.toThrow();
    expect(DASHBOARD_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(DASHBOARD_JS).not.toMatch(/localStorage|document\.cookie/);
  });
});
