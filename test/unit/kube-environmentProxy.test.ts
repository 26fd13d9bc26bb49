// The proxy kubectl takes from the environment when a kubeconfig cluster has
// no proxy-url: Go's ProxyFromEnvironment rules, each case as Go decides it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { proxyFromEnvironment as resolve, type Environment } from '../../main/kube/client/proxy/environmentProxy.ts';

const proxy = 'http://proxy.corp:3128';
/** The proxy URL the environment gives for `server`. */
const proxyFromEnvironment = (server: string, env: Environment) => resolve(server, env)?.url;

describe('proxyFromEnvironment', () => {
  test('HTTPS_PROXY for https servers, HTTP_PROXY for http ones; upper case before lower case', () => {
    assert.equal(proxyFromEnvironment('https://api.example.com:6443', { HTTPS_PROXY: proxy }), proxy);
    assert.equal(proxyFromEnvironment('https://api.example.com:6443', { https_proxy: proxy }), proxy);
    assert.equal(proxyFromEnvironment('https://api.example.com:6443', { HTTPS_PROXY: proxy, https_proxy: 'http://other:1' }), proxy);
    assert.equal(proxyFromEnvironment('https://api.example.com:6443', { HTTP_PROXY: proxy }), undefined, 'an https server does not use HTTP_PROXY');
    assert.equal(proxyFromEnvironment('http://api.example.com', { HTTP_PROXY: proxy }), proxy);
    assert.equal(proxyFromEnvironment('http://api.example.com', { HTTP_PROXY: proxy, REQUEST_METHOD: 'GET' }), undefined, 'under CGI HTTP_PROXY may come from a request header');
    assert.equal(proxyFromEnvironment('https://api.example.com', {}), undefined);
    assert.deepEqual(resolve('https://api.example.com', { https_proxy: proxy }), { url: proxy, variable: 'https_proxy' }, 'messages name the variable that was used');
  });

  test('a proxy without a scheme is an http proxy; socks5 and https keep theirs', () => {
    assert.equal(proxyFromEnvironment('https://api.example.com', { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128');
    assert.equal(proxyFromEnvironment('https://api.example.com', { HTTPS_PROXY: 'socks5://127.0.0.1:1080' }), 'socks5://127.0.0.1:1080');
    assert.equal(proxyFromEnvironment('https://api.example.com', { HTTPS_PROXY: 'https://user:pw@proxy.corp' }), 'https://user:pw@proxy.corp');
  });

  test('localhost and loopback addresses never go through a proxy', () => {
    for (const server of ['https://localhost:6443', 'https://127.0.0.1:6443', 'https://127.3.4.5', 'https://[::1]:6443', 'https://[::ffff:127.0.0.1]:6443']) {
      assert.equal(proxyFromEnvironment(server, { HTTPS_PROXY: proxy }), undefined, server);
    }
    assert.equal(proxyFromEnvironment('https://128.0.0.1', { HTTPS_PROXY: proxy }), proxy);
  });

  test('NO_PROXY: domains with their subdomains, leading dots and *., ports, IPs, CIDRs and *', () => {
    const via = (server: string, noProxy: string) => proxyFromEnvironment(server, { HTTPS_PROXY: proxy, NO_PROXY: noProxy });
    assert.equal(via('https://api.example.com', 'example.com'), undefined, 'a domain covers its subdomains');
    assert.equal(via('https://example.com', 'example.com'), undefined, 'and itself');
    assert.equal(via('https://notexample.com', 'example.com'), proxy, 'not a longer name that ends the same');
    assert.equal(via('https://example.com', '.example.com'), proxy, 'a leading dot: subdomains only');
    assert.equal(via('https://a.example.com', '.example.com'), undefined);
    assert.equal(via('https://a.example.com', '*.example.com'), undefined);
    assert.equal(via('https://example.com', '*.example.com'), proxy);
    assert.equal(via('https://API.Example.COM', ' other.org , EXAMPLE.com '), undefined, 'entries and hosts compare without case or spaces');
    assert.equal(via('https://api.example.com:6443', 'example.com:6443'), undefined, 'a port must match when given');
    assert.equal(via('https://api.example.com', 'example.com:6443'), proxy, 'https defaults to 443');
    assert.equal(via('https://10.1.2.3:6443', '10.0.0.0/8'), undefined);
    assert.equal(via('https://11.1.2.3:6443', '10.0.0.0/8'), proxy);
    assert.equal(via('https://[fd00::5]:6443', 'fd00::/8'), undefined);
    assert.equal(via('https://10.1.2.3:6443', '10.1.2.3'), undefined);
    assert.equal(via('https://10.1.2.3:6443', '10.1.2.3:443'), proxy);
    assert.equal(via('https://[fd00::5]:6443', '[fd00:0::5]:6443'), undefined, 'IPv6 compared as addresses');
    assert.equal(via('https://anything.at.all', '*'), undefined);
    assert.equal(via('https://api.example.com', 'no_proxy=x, ,:80'), proxy, 'malformed entries are skipped');
    assert.equal(proxyFromEnvironment('https://api.example.com', { HTTPS_PROXY: proxy, no_proxy: 'example.com' }), undefined, 'no_proxy in lower case');
  });
});
