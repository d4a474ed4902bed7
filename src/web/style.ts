import { createHash } from 'node:crypto'
import { STATUS_LOOK, STATUSES } from './status-style.js'

/** The site's one stylesheet, served at `/assets/style.css` (no external fonts or frameworks). */
export const STYLE_CSS = `
:root{--ink:#1d1d1f;--muted:#555;--line:#d0d0d0;--bg:#fff;--accent:#0b57d0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
body{margin:0}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f9a825;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
header.site{display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline;padding:.6rem 1rem;border-bottom:1px solid var(--line)}
header.site .brand{font-weight:700;font-size:1.2rem;text-decoration:none;color:var(--ink)}
header.site nav a{margin-right:1rem}
main{max-width:1100px;margin:0 auto;padding:0 1rem 2rem}
footer.site{max-width:1100px;margin:0 auto;padding:1rem;color:var(--muted);font-size:.9rem;border-top:1px solid var(--line)}
h1{font-size:1.6rem;margin:1rem 0 .3rem}h2{font-size:1.25rem;margin:1.6rem 0 .5rem}h3{font-size:1.05rem;margin:1rem 0 .4rem}
.meta{color:var(--muted);font-size:.92rem}
.toggle{display:flex;gap:.4rem;margin:.6rem 0}
.toggle a{padding:.3rem .8rem;border:1px solid var(--accent);border-radius:1rem;text-decoration:none}
.toggle a[aria-current="page"]{background:var(--accent);color:#fff}
figure{margin:0}
.map{width:100%;height:auto;display:block}
.map .region{stroke:#fff;stroke-width:.8}
.map-world .region{stroke-width:.4}
.map .point{stroke:#111;stroke-width:1}
.map .point.unconfirmed{stroke-dasharray:1.5 1.5}
.map a:hover .point,.map a:focus .point{stroke-width:2.5}
.map .region.unconfirmed{stroke:#222;stroke-width:1.3;stroke-dasharray:2 2}
.map-world .region.unconfirmed{stroke-width:.6;stroke-dasharray:1.2 1.2}
.badge.unconfirmed{border-style:dashed}
.badge .unconf{font-style:italic;font-weight:normal}
.badge .meta{color:inherit}
.at-least{font-weight:normal}
.kind{font-size:.8em;padding:0 .3em;border:1px solid var(--line);border-radius:3px}
.kind-commercial{background:#fde0dd}
.stale{color:#a34a00;font-weight:bold}
.map .sphere{fill:#f4f8fb;stroke:#c8d3dc}
.map a:hover .region,.map a:focus .region{stroke:#000;stroke-width:2}
.map .labels text{font-size:11px;font-weight:600;text-anchor:middle;dominant-baseline:middle;fill:#111;stroke:#fff;stroke-width:3px;paint-order:stroke;cursor:pointer}
.defs{position:absolute;width:0;height:0;overflow:hidden}
${STATUSES.map((s) => `.region.st-${s},.point.st-${s}{fill:url(#pat-${s})}`).join('\n')}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;padding:0;margin:.5rem 0;list-style:none}
.legend li{display:flex;align-items:center;gap:.35rem}
.legend svg{width:1.4rem;height:1rem;border:1px solid #999}
.badge{display:inline-block;padding:0 .45rem;border-radius:.3rem;font-weight:600;border:1px solid;white-space:nowrap}
${STATUSES.map((s) => `.badge.st-${s}{background:${STATUS_LOOK[s].fill};border-color:${STATUS_LOOK[s].ink};color:#111}`).join('\n')}
table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.93rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
thead th{background:#f3f3f3}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:0 2rem}
.subject{border:1px solid var(--line);border-radius:.5rem;padding:.2rem 1rem .8rem;margin:1rem 0}
.big{font-size:1.3rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
ol.timeline{list-style:none;padding:0;border-left:3px solid var(--line);margin-left:.4rem}
ol.timeline li{padding:.25rem 0 .6rem 1rem;position:relative}
ol.timeline li::before{content:"";position:absolute;left:-.5rem;top:.65rem;width:.7rem;height:.7rem;border-radius:50%;background:#888}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.6rem 0}
form.filters label{display:flex;flex-direction:column;font-size:.9rem}
input,select,button{font:inherit;padding:.25rem .4rem}
.note{background:#fff8e1;border-left:4px solid #f9a825;padding:.4rem .8rem}
.map .callouts text{font-size:11px;font-weight:600;dominant-baseline:middle;fill:#111}
.map .callouts line{stroke:#444;stroke-width:.8}
.map .callouts .region{stroke:#444;stroke-width:.6}
.map a:hover rect.region,.map a:focus rect.region{stroke:#000;stroke-width:1.5}
.pending-marker{fill:#fff;stroke:#1d1d1f;stroke-width:2.4}
.marker-key{width:1em;height:1em;vertical-align:-.15em}
.place-list{list-style:none;padding:0;margin:.5rem 0 1rem;display:grid;grid-template-columns:repeat(auto-fill,minmax(min(15rem,100%),1fr));gap:.35rem}
.place-list a{display:flex;flex-wrap:wrap;align-items:center;gap:.15rem .5rem;min-height:2.75rem;padding:.35rem .6rem;border:1px solid var(--line);border-radius:.4rem;text-decoration:none;color:var(--ink)}
.place-list a:hover{border-color:var(--accent)}
.pl-name{font-weight:600;flex:1 1 auto}
.pl-facts{font-size:.85rem;color:var(--muted);width:100%}
.pl-pending{color:#7a3b00}
td,th,dd{overflow-wrap:anywhere}
@media (max-width:40rem){
header.site{gap:.3rem 1rem}
header.site nav a{margin-right:.7rem;display:inline-block;padding:.2rem 0}
main{padding:0 .7rem 2rem}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack,table.stack tbody,table.stack tr{display:block;width:100%}
table.stack caption{display:block;text-align:left;font-weight:600;padding:.2rem 0}
table.stack tr{border-bottom:1px solid var(--line);padding:.35rem 0}
table.stack th,table.stack td{display:block;border:0;padding:.1rem .2rem}
table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}
dl.facts{grid-template-columns:1fr}
dl.facts dd{margin-bottom:.35rem}
.badge{white-space:normal}
.subject{padding:.2rem .6rem .6rem}
form.filters label,form.filters input,form.filters select{max-width:100%}
}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`.trim()

/** A short content hash of the stylesheet, used as its ETag and cache-busting query. */
export const STYLE_VERSION = createHash('sha256').update(STYLE_CSS).digest('hex').slice(0, 12)
