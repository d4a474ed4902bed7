import { html, type Html } from './html.js'
import { patternDefs } from './status-style.js'
import { STYLE_VERSION } from './style.js'

/** Links a page may add to its head (feeds, JSON twin). */
export interface HeadLink {
  rel: string
  type: string
  href: string
  title: string
}

/** The page shell: head with the local stylesheet, skip link, site navigation, footer. No scripts. */
export function layout(options: {
  title: string
  body: Html
  links?: HeadLink[]
  current?: 'map' | 'changes'
}): string {
  const nav = (href: string, label: string, key?: string) =>
    html`<a href="${href}" ${options.current && options.current === key ? html` aria-current="page"` : ''}>${label}</a>`
  return (
    '<!doctype html>\n' +
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/style.css?v=${STYLE_VERSION}" />
        ${(options.links ?? []).map((l) => html`<link rel="${l.rel}" type="${l.type}" href="${l.href}" title="${l.title}" /> `)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        ${patternDefs()}
        <header class="site">
          <a class="brand" href="/">kratomwatch</a>
          <nav aria-label="Site">
            ${nav('/', 'Map', 'map')}${nav('/changes.html', 'Changes', 'changes')}${nav('/calendar.ics', 'Calendar (iCal)')}${nav('/docs', 'API docs')}
          </nav>
        </header>
        <main id="main">${options.body}</main>
        <footer class="site">
          <p>
            kratomwatch records the legal status of kratom and 7-OH with the citation and source of every fact. It is
            not legal advice: follow the citations to the official text. Data: <a href="/jurisdictions">JSON API</a> ·
            <a href="/changes.atom">Atom feed</a> · <a href="/openapi.json">OpenAPI</a>
          </p>
        </footer>
      </body>
    </html> `.value
  )
}
