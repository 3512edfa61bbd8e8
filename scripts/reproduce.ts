// npm run reproduce -- <figure>: reruns a published figure and prints what we got as JSON.
import { reproducePca } from "./reproduce/pca";

const figures: Record<string, () => Promise<unknown>> = {
  pca: () => reproducePca(),
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const run = name ? figures[name] : undefined;
  if (!run) {
    console.log(`usage: npm run reproduce -- <figure>, with <figure> one of: ${Object.keys(figures).join(", ")}`);
    process.exitCode = name ? 1 : 0;
    return;
  }
  console.log(JSON.stringify(await run(), null, 2));
}

void main();
