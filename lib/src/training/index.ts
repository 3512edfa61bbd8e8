export * from "./loop";
export * from "./schedule";
export * from "./adam";
export * from "./autoencoder";
export * from "./vae";
export * from "./classifier";
export * from "./gan";
export * from "./jacobian-truncation";
