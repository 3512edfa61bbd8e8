export * from "./autoencoder";
export * from "./io";
export * from "./vae";
export * from "./classifier";
export * from "./gan";
export * from "./sample-quality";
