// Node ESM resolve hook for tfjs' ESM builds. tfjs-core 4.22 publishes its gradient and chained-op
// registrations only as ESM files with extensionless and directory specifiers ('./gradients'),
// which bundlers (and vitest) accept but Node's own ESM loader refuses. Inside @tensorflow packages
// only, we retry such specifiers as './x.js' and './x/index.js'. Registries are global in tfjs, so
// what these files register is seen by the CommonJS build the rest of the process uses.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const fromTf = context.parentURL?.includes('/@tensorflow/');
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (!fromTf || !relative || (e.code !== 'ERR_UNSUPPORTED_DIR_IMPORT' && e.code !== 'ERR_MODULE_NOT_FOUND')) throw e;
    for (const candidate of [`${specifier}.js`, `${specifier}/index.js`]) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next form
      }
    }
    throw e;
  }
}
