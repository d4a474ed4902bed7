/**
 * The scraper SDK: the only module a scraper imports (`import { defineScraper } from '#sdk'`).
 * Definition, pure parsing helpers, and the errors that make a run `degraded` with a reason.
 */
export { defineScraper } from './define-scraper.js'
export type {
  Documents,
  FetchedDocument,
  FollowContext,
  HtmlDocument,
  HtmlSource,
  JsonDocument,
  JsonSource,
  ParseContext,
  PdfDocument,
  PdfSource,
  RememberContext,
  ScraperDefinition,
  ScraperOutput,
  Source,
} from './define-scraper.js'
export { effectFromTitle, expectMatch, expectOne, expectRows, isoDate, statusRules, text } from './helpers.js'
export {
  BlockedError,
  EmptyResultError,
  LayoutChangedError,
  OutputInvalidError,
  SoftNotFoundError,
  UnknownValueError,
} from '../errors.js'
export { US_STATE_CODES } from '../domain/us-fips.js'
export type { ObservationInput, StatusObservationInput } from '../domain/index.js'
