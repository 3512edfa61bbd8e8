export * from "./autoencoder";
export * from "./io";
export * from "./batch-norm";
export * from "./conv";
export * from "./vae";
export * from "./classifier";
export * from "./gan";
export * from "./sample-quality";
