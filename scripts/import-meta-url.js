// Injected into CommonJS bundles so that ESM dependencies reading `import.meta.url` get this file's URL.
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;
