import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  connectSrcFor,
  contentSecurityPolicy,
  sessionServerOrigin,
  isAllowedNavigation,
  isExternalLinkAllowed,
  secureWebPreferences,
} from './security';

describe('window security', () => {
  it('sandboxes the renderer and isolates its context', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('allows navigation only within the app (and the dev server in development)', () => {
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html#/groups`, undefined)).toBe(true);
    expect(isAllowedNavigation('https://evil.example/', undefined)).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd', undefined)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:5173/#/groups', 'http://127.0.0.1:5173')).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:5173/', undefined)).toBe(false);
    expect(isAllowedNavigation('not a url', undefined)).toBe(false);
  });

  it('opens only http(s) links outside the app', () => {
    expect(isExternalLinkAllowed('https://cohort.example/help')).toBe(true);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
    expect(isExternalLinkAllowed('smb://share')).toBe(false);
  });

  it('has a CSP with no inline or remote scripts and no framing', () => {
    const csp = contentSecurityPolicy({ connectSrc: ['https:'], dev: false });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain('connect-src');
    expect(csp).not.toContain('ws://');
    expect(contentSecurityPolicy({ connectSrc: [], dev: true })).toContain('ws://127.0.0.1:5173');
    expect(contentSecurityPolicy({ connectSrc: [], dev: true })).toContain(
      "script-src 'self' 'unsafe-inline'",
    );
  });

  it('connects to the server signed in to alone; before sign-in to https or this machine', () => {
    expect(connectSrcFor(null)).toEqual(['https:', 'http://127.0.0.1:*', 'http://localhost:*']);
    expect(connectSrcFor('https://cohort.example.org')).toEqual(['https://cohort.example.org']);
    const session = JSON.stringify({ token: 't', serverUrl: 'https://cohort.example.org/' });
    expect(sessionServerOrigin(session)).toBe('https://cohort.example.org');
    expect(sessionServerOrigin(null)).toBeNull();
    expect(sessionServerOrigin('not json')).toBeNull();
    expect(sessionServerOrigin(JSON.stringify({ serverUrl: 'javascript:alert(1)' }))).toBeNull();
    const csp = contentSecurityPolicy({
      connectSrc: connectSrcFor('https://cohort.example.org'),
      dev: false,
    });
    expect(csp).toContain("connect-src 'self' https://cohort.example.org;");
    expect(csp).not.toMatch(/connect-src[^;]*http:/);
  });
});
