/** ESM Jest (NestJS 12 is ESM-only): run through `npm test`, which sets --experimental-vm-modules. */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        useESM: true,
        tsconfig: '<rootDir>/tsconfig.json',
      },
    ],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // No test may reach past loopback: sockets and look-ups elsewhere fail before a packet leaves.
  setupFiles: ['<rootDir>/test/support/loopback-guard.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
