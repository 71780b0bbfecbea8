import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{engine,providers,planners,test}/**/*.test.ts'],
    restoreMocks: true,
  },
});
