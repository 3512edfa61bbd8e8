// npm run handouts [-- <topic> ...]: executes every notebook and writes the offline HTML handouts to handouts/.
import * as path from "node:path";
import { buildHandouts } from "./handouts/build";

async function main(): Promise<void> {
  const started = performance.now();
  const requested = process.argv.slice(2);
  const pages = await buildHandouts({ topics: requested.length ? requested : undefined });
  console.log(`${pages.length} pages in ${((performance.now() - started) / 1000).toFixed(1)} s: open ${path.join("handouts", "index.html")}`);
}

main().catch((error: Error) => {
  console.log(`handouts: ${error.message}`);
  process.exitCode = 1;
});
