import type { Stores } from '../db/stores/index.js'
import { createWebData, type WebData } from './data.js'

const webData = new WeakMap<Stores, WebData>()

/** The web read queries for a database (prepared once per stores instance). */
export function webDataFor(stores: Stores): WebData {
  let data = webData.get(stores)
  if (!data) webData.set(stores, (data = createWebData(stores)))
  return data
}

/** Security headers for the HTML pages: no scripts, and nothing loaded from another origin. */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
}
