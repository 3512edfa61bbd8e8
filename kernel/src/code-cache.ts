// Loads tslab's TypeScript bundle (9 MB of JavaScript) with a V8 code cache: about 100 ms less start-up.
// Node 20 has no module.enableCompileCache, so the bundle is compiled through vm.Script with cachedData.
// The cache lives in kernel/dist/.cache, keyed by TypeScript and Node versions; any failure falls back to require.
import fs from "node:fs";
import Module from "node:module";
import path from "node:path";
import vm from "node:vm";

const TS_MODULE = "@tslab/typescript-for-tslab";

type LoadableModule = NodeJS.Module & { paths: string[]; loaded: boolean };

/** Returns a function that saves the cache; call it once the compiler has warmed up (more functions cached). */
export function loadTypeScriptWithCodeCache(): () => void {
  const file = require.resolve(TS_MODULE);
  if (require.cache[file]) return () => undefined;
  const version = (require(`${TS_MODULE}/package.json`) as { version: string }).version;
  const cacheFile = path.join(__dirname, ".cache", `typescript-${version}-node-${process.version}-${process.arch}.v8cache`);
  try {
    const cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
    const mod = new Module(file, module) as LoadableModule;
    mod.filename = file;
    mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
    require.cache[file] = mod;
    const body = script.runInThisContext() as (...args: unknown[]) => void;
    body.call(mod.exports, mod.exports, (id: string) => mod.require(id), mod, file, path.dirname(file));
    mod.loaded = true;
    if (cachedData && !script.cachedDataRejected) return () => undefined;
    return () => saveAtomically(cacheFile, script.createCachedData());
  } catch {
    delete require.cache[file];
    require(TS_MODULE);
    return () => undefined;
  }
}

function saveAtomically(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.promises
    .mkdir(path.dirname(file), { recursive: true })
    .then(() => fs.promises.writeFile(temporary, data))
    .then(() => fs.promises.rename(temporary, file))
    .catch(() => fs.promises.rm(temporary, { force: true }).catch(() => undefined));
}
