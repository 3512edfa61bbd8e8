// The reproduction commands' flags, read and written back: a result.json's command reruns the same settings.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { numericOption, reproduceCommand, settingsFromFlags, sizesOption, textOption } from "../scripts/reproduce/command-line";
import { DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS } from "../scripts/reproduce/hinton-ae";
import { DEFAULT_VAE_SETTINGS, VAE_FLAGS, vaeCommand } from "../scripts/reproduce/vae";

describe("reproduction flags", () => {
  const argv = ["node", "reproduce.ts", "hinton-ae", "--epochs", "30", "--code-size", "2", "--activation", "sigmoid", "--hidden", "200,200"];

  it("reads numbers, words and sizes, and says what is wrong", () => {
    expect(numericOption("epochs", 100, argv)).toBe(30);
    expect(numericOption("seed", 1, argv)).toBe(1);
    expect(textOption("activation", "elu", ["elu", "sigmoid"] as const, argv)).toBe("sigmoid");
    expect(sizesOption("hidden", [500, 500], argv)).toEqual([200, 200]);
    expect(() => numericOption("epochs", 1, ["--epochs", "ten"])).toThrow("--epochs needs a positive number, got ten");
    expect(() => textOption("activation", "elu", ["elu"] as const, ["--activation", "swish"])).toThrow("--activation must be one of elu, got swish");
    expect(() => sizesOption("hidden", [1], ["--hidden", "500,x"])).toThrow(/whole numbers separated by commas/);
  });

  it("writes the command with only the flags that differ from the defaults", () => {
    const settings = { ...DEFAULT_HINTON_AE_SETTINGS, epochs: 30, codeSize: 2 };
    expect(reproduceCommand("hinton-ae", settings, DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS)).toBe("npm run reproduce -- hinton-ae --epochs 30 --code-size 2");
    expect(reproduceCommand("hinton-ae", DEFAULT_HINTON_AE_SETTINGS, DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS)).toBe("npm run reproduce -- hinton-ae");
  });

  it("reads a whole figure's settings from its flags, and the command written back reads the same settings", () => {
    const settings = settingsFromFlags(DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS, { activation: ["elu", "sigmoid"] }, argv);
    expect(settings).toEqual({ ...DEFAULT_HINTON_AE_SETTINGS, epochs: 30, codeSize: 2, activation: "sigmoid" });
    expect(() => settingsFromFlags(DEFAULT_HINTON_AE_SETTINGS, HINTON_AE_FLAGS, { activation: ["elu"] }, argv)).toThrow("--activation must be one of elu, got sigmoid");
    const vae = settingsFromFlags(DEFAULT_VAE_SETTINGS, VAE_FLAGS, {}, ["--latent", "20", "--hidden", "200,200", "--k", "500"]);
    expect(vae).toEqual({ ...DEFAULT_VAE_SETTINGS, latentSize: 20, hiddenSizes: [200, 200], k: 500 });
    const command = vaeCommand(vae);
    expect(command).toBe("npm run reproduce -- vae --latent 20 --hidden 200,200 --k 500");
    expect(settingsFromFlags(DEFAULT_VAE_SETTINGS, VAE_FLAGS, {}, command.split(" "))).toEqual(vae);
  });

  it("a wrong flag on the command line prints its message alone and exits with 2, before any training", () => {
    const tsx = path.join(__dirname, "..", "node_modules", "tsx", "dist", "cli.mjs");
    const run = spawnSync(process.execPath, [tsx, path.join(__dirname, "..", "scripts", "reproduce.ts"), "gan", "--cluster-features", "foo"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("npm run reproduce -- gan: --cluster-features must be one of pca, autoencoder, got foo\n");
  }, 60_000);
});
