// nock for the Metal client's unit tests, the way renovate wraps it: any request nobody expected
// fails the test, and so does any expected request that never came.
import nock from 'nock';
import { afterEach, beforeEach, expect } from 'vitest';

export const baseURL = 'https://api.example.test/metal/v1';

export function useHttpMock(): () => nock.Scope {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending, 'expected requests that were never made').toEqual([]);
  });
  return () => nock(baseURL);
}
