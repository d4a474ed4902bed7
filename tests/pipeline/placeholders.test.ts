import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { resolveHeaders, resolveUrl } from '../../src/scraping/run.js'

describe('source placeholders', () => {
  const config = loadConfig({ LEGISCAN_API_KEY: 'k&y 1', OPENSTATES_API_KEY: 'os-key' })

  it('fills API keys into URLs (encoded) and keeps the placeholder in the recorded URL', () => {
    const url = 'https://api.legiscan.com/?key={LEGISCAN_API_KEY}&op=getSearchRaw'
    expect(resolveUrl(url, config)).toEqual({
      url: 'https://api.legiscan.com/?key=k%26y%201&op=getSearchRaw',
      recordUrl: url,
    })
  })

  it('fills API keys into request headers', () => {
    expect(resolveHeaders({ 'X-API-KEY': '{OPENSTATES_API_KEY}', accept: 'application/json' }, config)).toEqual({
      'X-API-KEY': 'os-key',
      accept: 'application/json',
    })
    expect(resolveHeaders(undefined, config)).toBeUndefined()
  })
})
