/** Two projects: fast unit specs beside the code, e2e specs against the real MariaDB and Redis. */
// ESM-only packages the app loads with require() (Node >= 20.19 does that natively; Jest's
// module loader cannot, nor import() without --experimental-vm-modules): ts-jest turns them into
// CommonJS for the tests. openid-client and its dependencies, for single sign-on (src/oidc);
// mercurius (GraphQL, src/graphql), whose CommonJS code import()s the ESM-only quick-lru.
const ESM_PACKAGES = ['openid-client', 'oauth4webapi', 'jose', 'mercurius', 'quick-lru'];
const transform = {
  '^.+\\.ts$': ['ts-jest', {}],
  [`/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { tsconfig: { allowJs: true } },
  ],
};
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  testEnvironment: 'node',
};

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
