/** Two projects: fast unit specs beside the code, e2e specs against the real MariaDB and Redis. */
const transform = { '^.+\\.ts$': ['ts-jest', {}] };
const common = { moduleFileExtensions: ['js', 'json', 'ts'], rootDir: '.', transform, testEnvironment: 'node' };

module.exports = {
  // A global option (Jest ignores it inside a project): e2e specs boot apps and browsers.
  testTimeout: 30000,
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/**/migrations/**'],
  coverageDirectory: 'coverage',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
