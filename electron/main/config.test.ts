import { describe, expect, it } from 'vitest';
import { mainConfig } from './config';

const DEV = {
  COHORT_DEV_URL: 'http://127.0.0.1:5173',
  COHORT_UPDATE_URL: 'https://updates.example.org/cohort/',
  COHORT_USER_DATA_DIR: '/tmp/profile-b',
};

describe('main process configuration', () => {
  it('an installed (packaged) app ignores every development variable', () => {
    expect(mainConfig(DEV, true)).toEqual({
      devServerUrl: undefined,
      updateFeed: null,
      userDataDir: undefined,
    });
    expect(mainConfig({ COHORT_DEV_URL: 'https://attacker.example' }, true).devServerUrl).toBeUndefined();
  });

  it('an unpackaged app (npm start, tests) takes them', () => {
    expect(mainConfig(DEV, false)).toEqual({
      devServerUrl: 'http://127.0.0.1:5173',
      updateFeed: { provider: 'generic', url: 'https://updates.example.org/cohort/' },
      userDataDir: '/tmp/profile-b',
    });
    expect(mainConfig({}, false)).toEqual({
      devServerUrl: undefined,
      updateFeed: null,
      userDataDir: undefined,
    });
  });

  it('even unpackaged, the dev server is one on this machine', () => {
    expect(() => mainConfig({ COHORT_DEV_URL: 'https://attacker.example' }, false)).toThrow('this machine');
  });
});
