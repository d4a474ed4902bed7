/** `tsx bench/make-db.ts PATH`: creates a baseline database at PATH for profiling a bench target by hand. */
import { loadConfig } from '../src/config.js'
import { silentLogger } from '../src/log.js'
import { openCore } from '../src/main.js'

const core = openCore(loadConfig({ DATABASE_PATH: process.argv[2]! }), silentLogger)
console.log(`${core.stores.jurisdictions.all().length} places`)
core.db.close()
