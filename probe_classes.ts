import { initBackend, loadModel, loadSavedClassifier, sampleGenerator, classifierProbabilities, tf } from "./lib/src/index";
(async () => {
  await initBackend();
  const { model: classifier } = await loadSavedClassifier();
  for (const dir of process.argv.slice(2)) for (const name of ["generator", "generator-trained"]) {
    const g = await loadModel(dir, name);
    const x = sampleGenerator(g, 5000, { seed: 7 });
    const p = classifierProbabilities(classifier, x);
    const cls = Array.from(p.argMax(1).dataSync());
    const conf = p.max(1).mean().dataSync()[0];
    const hist = Array(10).fill(0); cls.forEach((c) => hist[c]++);
    const share = hist.map((h) => h / 5000);
    const entropy = -share.reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0);
    console.log(dir, name, "classes", hist.join(" "), "exp(H)", Math.exp(entropy).toFixed(2), "mean max p", conf.toFixed(3));
    tf.dispose([x, p]); g.dispose();
  }
})();
