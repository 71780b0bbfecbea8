import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readHostMetadata } from './metadata.ts';

const url = 'https://metadata.example.test/metadata';

describe('readHostMetadata', () => {
  afterEach(() => {
    nock.cleanAll();
    vi.unstubAllEnvs();
  });

  it('reads the device, metro and facility of the host', async () => {
    nock('https://metadata.example.test')
      .get('/metadata')
      .reply(200, {
        id: '3A1E5C7D-2B4F-4E8A-9C6D-1F0E2D3C4B5A',
        hostname: 'k8s-worker-1',
        metro: 'da',
        facility: 'DA11',
        network: { addresses: [] },
      });
    expect(await readHostMetadata(url)).toEqual({
      deviceId: '3a1e5c7d-2b4f-4e8a-9c6d-1f0e2d3c4b5a',
      hostname: 'k8s-worker-1',
      metro: 'da',
      facility: 'da11',
    });
  });

  it('fails naming the URL on any answer but 200', async () => {
    nock('https://metadata.example.test')
      .get('/metadata')
      .reply(404, { message: 'resource not found' });
    await expect(readHostMetadata(url)).rejects.toThrow(
      `the metadata service at ${url} answered 404`,
    );
  });

  it('fails naming the field of an unexpected document', async () => {
    nock('https://metadata.example.test').get('/metadata').reply(200, { metro: 7 });
    await expect(readHostMetadata(url)).rejects.toThrow(/metadata\.metro/);
  });

  it('fails naming the URL when nothing answers', async () => {
    nock('https://metadata.example.test')
      .get('/metadata')
      .replyWithError(Object.assign(new Error('no route'), { code: 'EHOSTUNREACH' }));
    await expect(readHostMetadata(url)).rejects.toThrow(
      `the metadata service at ${url} did not answer`,
    );
  });

  it('says it was not asked through a proxy it cannot use, not that nothing answered', async () => {
    vi.stubEnv('HTTPS_PROXY', 'socks5://user:secret@proxy.corp:1080');
    vi.resetModules(); // the process's agents read the environment once
    const fresh = await import('./metadata.ts');
    const refused = fresh.readHostMetadata(url);
    await expect(refused).rejects.toThrow(
      `the metadata service at ${url} was not asked: the environment's proxy socks5://proxy.corp:1080 for https://metadata.example.test is not supported`,
    );
    await expect(refused).rejects.not.toThrow('secret');
  });
});
