import { describe, expect, it } from 'vitest'
import { UnsafeUrlError } from '../../src/errors.js'
import { createSender } from '../../src/webhooks/send.js'
import { checkUrl, checkUrlShape, refusedAddress } from '../../src/webhooks/url-guard.js'
import { receiver } from './receiver.js'

const strict = { allowHttp: false, allowedHosts: [] as string[] }
const fakeDns = (answers: Record<string, string[]>) => async (host: string) => {
  const a = answers[host]
  if (!a) throw new Error(`getaddrinfo ENOTFOUND ${host}`)
  return a
}

describe('webhook url guard', () => {
  it.each([
    ['loopback', 'https://127.0.0.1/hook', /loopback/],
    ['loopback elsewhere in 127/8', 'https://127.8.9.10/hook', /loopback/],
    ['unspecified', 'https://0.0.0.0/hook', /unspecified/],
    ['private 10/8', 'https://10.1.2.3/hook', /private/],
    ['private 172.16/12', 'https://172.20.0.1/hook', /private/],
    ['private 192.168/16', 'https://192.168.1.1/hook', /private/],
    ['link-local', 'https://169.254.10.10/hook', /linkLocal/],
    ['cloud metadata (AWS, GCP, Azure)', 'https://169.254.169.254/latest/meta-data/', /metadata/],
    ['cloud metadata (Alibaba)', 'https://100.100.100.200/', /metadata/],
    ['carrier-grade NAT', 'https://100.64.0.1/', /carrierGradeNat/],
    ['multicast', 'https://224.0.0.1/', /multicast/],
    ['broadcast', 'https://255.255.255.255/', /broadcast/],
    ['decimal integer host', 'https://2130706433/hook', /127\.0\.0\.1 is a loopback/],
    ['hex host', 'https://0x7f000001/hook', /127\.0\.0\.1 is a loopback/],
    ['octal host', 'https://0177.0.0.1/hook', /127\.0\.0\.1 is a loopback/],
    ['short dotted host', 'https://127.1/hook', /127\.0\.0\.1 is a loopback/],
    ['mixed hex/octal metadata', 'https://0xa9.0376.169.254/', /169\.254\.169\.254 is a cloud metadata/],
    ['IPv6 loopback', 'https://[::1]/hook', /loopback/],
    ['IPv6 unspecified', 'https://[::]/hook', /unspecified/],
    ['IPv6 link-local', 'https://[fe80::1]/hook', /linkLocal/],
    ['IPv6 unique-local', 'https://[fd12:3456::1]/hook', /uniqueLocal/],
    ['IPv6 metadata (AWS)', 'https://[fd00:ec2::254]/', /metadata/],
    ['IPv6 multicast', 'https://[ff02::1]/', /multicast/],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/hook', /127\.0\.0\.1 is a loopback/],
    ['IPv4-mapped IPv6 metadata (hex form)', 'https://[::ffff:a9fe:a9fe]/', /169\.254\.169\.254 is a cloud metadata/],
    ['IPv4-mapped IPv6 private', 'https://[::ffff:10.0.0.1]/', /private/],
    ['NAT64 embedding', 'https://[64:ff9b::7f00:1]/', /rfc6052/],
    ['local-use NAT64 embedding', 'https://[64:ff9b:1::7f00:1]/', /rfc6052/],
    ['IPv4-compatible IPv6 loopback', 'https://[::7f00:1]/', /embedding the IPv4 address 127\.0\.0\.1/],
    ['IPv4-compatible IPv6 metadata', 'https://[::a9fe:a9fe]/', /embedding the IPv4 address 169\.254\.169\.254/],
    ['IPv4-compatible IPv6 public', 'https://[::808:808]/', /embedding the IPv4 address 8\.8\.8\.8/],
    ['IPv4-mapped IPv6 public', 'https://[::ffff:8.8.8.8]/', /embedding the IPv4 address 8\.8\.8\.8/],
    ['SIIT embedding', 'https://[::ffff:0:7f00:1]/', /rfc6145/],
    ['6to4 embedding', 'https://[2002:7f00:1::]/', /6to4/],
    ['Teredo embedding', 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /teredo/],
  ])('refuses %s (%s)', (_name, url, reason) => {
    expect(() => checkUrlShape(url, strict)).toThrow(UnsafeUrlError)
    expect(() => checkUrlShape(url, strict)).toThrow(reason)
  })

  it('accepts a public https address', () => {
    expect(checkUrlShape('https://93.184.216.34/hook', strict).href).toBe('https://93.184.216.34/hook')
    expect(refusedAddress('2606:4700:4700::1111', strict)).toBeNull()
  })

  it('refuses http unless configured, and credentials always', () => {
    expect(() => checkUrlShape('http://93.184.216.34/', strict)).toThrow(/https/)
    expect(checkUrlShape('http://93.184.216.34/', { ...strict, allowHttp: true }).protocol).toBe('http:')
    expect(() => checkUrlShape('https://user:pw@93.184.216.34/', strict)).toThrow(/credentials/)
    expect(() => checkUrlShape('ftp://93.184.216.34/', strict)).toThrow(/https/)
    expect(() => checkUrlShape('not a url', strict)).toThrow(/absolute URL/)
  })

  it('permits allowlisted addresses and ranges only', () => {
    const tests = { allowHttp: true, allowedHosts: ['127.0.0.1', '10.9.0.0/16'] }
    expect(refusedAddress('127.0.0.1', tests)).toBeNull()
    expect(refusedAddress('::ffff:127.0.0.1', tests)).toBeNull()
    expect(refusedAddress('10.9.3.4', tests)).toBeNull()
    expect(refusedAddress('127.0.0.2', tests)).toMatch(/loopback/)
    expect(refusedAddress('10.8.0.1', tests)).toMatch(/private/)
  })

  it('checks every address a host name resolves to', async () => {
    const dns = fakeDns({
      'hooks.example.com': ['93.184.216.34'],
      'rebind.example.com': ['93.184.216.34', '127.0.0.1'],
      localhost: ['127.0.0.1', '::1'],
      'meta.example.com': ['::ffff:169.254.169.254'],
    })
    await expect(checkUrl('https://hooks.example.com/x', strict, dns)).resolves.toBeInstanceOf(URL)
    await expect(checkUrl('https://rebind.example.com/x', strict, dns)).rejects.toThrow(/127\.0\.0\.1 is a loopback/)
    await expect(checkUrl('https://localhost/x', strict, dns)).rejects.toThrow(/loopback/)
    await expect(checkUrl('https://meta.example.com/x', strict, dns)).rejects.toThrow(/metadata/)
    await expect(checkUrl('https://nowhere.example.com/x', strict, dns)).rejects.toThrow(/does not resolve/)
  })

  it('resolves localhost with the system resolver and refuses it', async () => {
    await expect(checkUrl('https://localhost/x', strict)).rejects.toThrow(/loopback/)
  })

  it('refuses at connect time a host name that resolves to a private address, even when the URL check was skipped', async () => {
    const r = await receiver({ secrets: () => [] })
    const sender = createSender({ policy: { allowHttp: true, allowedHosts: [] }, timeoutMs: 2000 })
    const res = await sender.send(new URL(`http://localhost:${r.port}/hook`), {}, '{}')
    sender.close()
    expect(res.status).toBeNull()
    expect(res.error).toMatch(/EWEBHOOKADDR.*refused addresses/)
    expect(r.received).toHaveLength(0)
  })

  it('connects to an allowlisted address only, skipping refused ones a name resolves to', async () => {
    const r = await receiver({ secrets: () => [] })
    const sender = createSender({ policy: { allowHttp: true, allowedHosts: ['127.0.0.1'] }, timeoutMs: 2000 })
    const res = await sender.send(new URL(`http://localhost:${r.port}/hook`), {}, '{}')
    sender.close()
    expect(res.status).toBe(204)
    expect(r.received).toHaveLength(1)
  })
})
